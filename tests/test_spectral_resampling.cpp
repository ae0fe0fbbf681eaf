// lib/spectral/SpectralResampling: band grids and the Gaussian resampling matrix.
#include <gtest/gtest.h>

#include <cmath>

#include "lib/core/Error.h"
#include "lib/spectral/SpectralResampling.h"

using namespace hsifuse;

TEST(SpectralResampling, GridAndMatrix) {
  auto grid = parseBandGrid("31x400-700");
  ASSERT_EQ(grid.size(), 31u);
  EXPECT_DOUBLE_EQ(grid[30].wavelengthNm, 700);
  EXPECT_DOUBLE_EQ(grid[0].fwhmNm, 10);
  std::vector<SpectralBand> src;
  for (int k = 0; k < 100; ++k) src.push_back({400 + 5.0 * k, 5.0});
  auto w = resamplingMatrix(src, grid);
  // A target centred on a source band weighs it most; rows sum to 1.
  for (const auto& row : w) {
    double s = 0;
    for (double v : row) s += v;
    EXPECT_NEAR(s, 1.0, 1e-12);
  }
  EXPECT_EQ(std::max_element(w[2].begin(), w[2].end()) - w[2].begin(), 4);  // 420 nm = source 4
  EXPECT_THROW(resamplingMatrix(src, {{1500, 10}}), InputError);
  EXPECT_THROW(parseBandGrid("31x700-400"), InputError);
}
