// lib/Radiometry: the MSI brought to the HSI's radiometric scale through P.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "lib/core/Error.h"
#include "lib/spatial/Degradation.h"
#include "lib/spectral/Radiometry.h"

using namespace hsifuse;

TEST(Radiometry, EachMsiBandGetsTheGainThatMatchesPAppliedToTheHsi) {
  // Two HSI bands of constant 0.2 and 0.4 on 2 x 2 LR pixels; P averages them (0.3) for MSI band 1 and keeps band 2
  // (0.4) for MSI band 2. The MSI is in other units: 600 and 0 (a dead band keeps gain 1).
  Cube y(2, 2, 2), x(2, 4, 4);
  for (int i = 0; i < 4; ++i) y.band(0)[i] = 0.2f, y.band(1)[i] = 0.4f;
  for (int i = 0; i < 16; ++i) x.band(0)[i] = 600, x.band(1)[i] = 0;
  const std::vector<double> gains = matchMsiToHsi(x, y, {{0.5, 0.5}, {0, 1}}, 2);
  ASSERT_EQ(gains.size(), 2u);
  EXPECT_NEAR(gains[0], 0.3 / 600, 1e-9);
  EXPECT_EQ(gains[1], 1.0);
  EXPECT_NEAR(x.band(0)[5], 0.3, 1e-6);
}

// A scene with a left-to-right gradient, blurred by an odd kernel at an even s (half an HR pixel off the s x s block's
// centre): block means put the MSI's gain off by the gradient times that offset; matched through the kernel, the
// correction brings it back to the true scale.
TEST(Radiometry, TheKernelCorrectionRemovesTheBlockMeansPhaseBias) {
  const int s = 4, h = 32, w = 32;
  Cube z(2, h, w);
  for (int b = 0; b < 2; ++b)
    for (int r = 0; r < h; ++r)
      for (int c = 0; c < w; ++c) z.at(b, r, c) = static_cast<float>(0.1 + 0.02 * c + 0.05 * b);
  const BlurKernel k = BlurKernel::gaussian(9, 1.5);
  const Cube y = blurDownsample(z, k, s);
  const std::vector<std::vector<double>> p = {{1, 0}, {0.5, 0.5}};
  Cube x = projectSpectrally(z, p);
  x.scale(3.0f);  // the MSI in other units
  const std::vector<double> gains = matchMsiToHsi(x, y, p, s);
  EXPECT_GT(std::fabs(gains[0] * 3.0 - 1.0), 0.01);  // the phase bias: 0.5 px x 0.02 against a mean near 0.4
  const std::vector<double> c = kernelGainCorrection(x, y, p, k, s);
  for (int b = 0; b < 2; ++b) EXPECT_NEAR(gains[b] * c[b] * 3.0, 1.0, 1e-3) << b;
  // Valid pixels only: a mask that keeps the left half still finds the same factor.
  std::vector<std::uint8_t> valid(static_cast<std::size_t>(h / s) * (w / s), 0);
  for (int r = 0; r < h / s; ++r)
    for (int q = 0; q < w / s / 2; ++q) valid[static_cast<std::size_t>(r) * (w / s) + q] = 1;
  EXPECT_NEAR(gains[0] * kernelGainCorrection(x, y, p, k, s, valid)[0] * 3.0, 1.0, 2e-3);
  EXPECT_THROW(kernelGainCorrection(x, y, p, k, s, std::vector<std::uint8_t>(3, 1)), Error);
}
