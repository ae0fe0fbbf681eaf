// lib/spectral/BandNoise: each band's noise from the regression on its neighbouring bands.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "lib/spatial/Degradation.h"
#include "lib/spectral/BandNoise.h"

using namespace hsifuse;

namespace {

// A linear mixture of three smooth spectra with random abundances: what neighbouring bands of an HSI share.
Cube mixture(int bands, int rows, int cols, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Cube c(bands, rows, cols);
  for (int r = 0; r < rows; ++r)
    for (int k = 0; k < cols; ++k) {
      const double a[3] = {u(rng), u(rng), u(rng)};
      for (int b = 0; b < bands; ++b) {
        const double t = double(b) / bands;
        const double spectra[3] = {0.2 + 0.6 * t, 0.8 * std::exp(-std::pow((t - 0.4) / 0.15, 2)),
                                   0.5 + 0.3 * std::sin(6.0 * t)};
        c.at(b, r, k) = static_cast<float>(a[0] * spectra[0] + a[1] * spectra[1] + a[2] * spectra[2]);
      }
    }
  return c;
}

}  // namespace

// Noise that grows across the bands is found band by band, within 15 % (it errs high, by the signal the neighbours
// leave and their own noise), on a scene with fewer pixels than bands as on a larger one.
TEST(BandNoise, FindsNoiseThatVariesAcrossBands) {
  for (const auto& [rows, cols] : {std::pair{10, 9}, std::pair{30, 30}}) {
    Cube c = mixture(120, rows, cols, 3);
    std::vector<double> sigma;
    for (int b = 0; b < c.bands; ++b) sigma.push_back(0.005 + 0.02 * b / c.bands);
    addGaussianNoise(c, sigma, 11);
    const BandNoise noise = estimateBandNoise(c);
    ASSERT_EQ(noise.sigma.size(), sigma.size());
    EXPECT_EQ(noise.pixels, rows * cols);
    EXPECT_EQ(noise.regressors, std::min(kNoiseRegressors, rows * cols / 2 - 1));
    double logRatio = 0;
    for (int b = 0; b < c.bands; ++b) {
      EXPECT_NEAR(noise.sigma[b] / sigma[b], 1.0, 0.3) << "band " << b << ", " << rows << " x " << cols;
      logRatio += std::log(noise.sigma[b] / sigma[b]) / c.bands;
    }
    EXPECT_NEAR(std::exp(logRatio), 1.0, 0.15) << rows << " x " << cols;
    double power = 0, noisePower = 0;
    for (float v : c.data) power += double(v) * v;
    for (double s : sigma) noisePower += s * s * c.planeSize();
    EXPECT_NEAR(noise.snrDb, 10.0 * std::log10(power / noisePower), 1.3);
  }
}

// A clean mixture measures far below any real noise; non-finite pixels are skipped; too few pixels or bands give
// no estimate.
TEST(BandNoise, CleanScenesNanPixelsAndTooLittleData) {
  Cube clean = mixture(60, 12, 12, 5);
  const BandNoise none = estimateBandNoise(clean);
  ASSERT_EQ(none.sigma.size(), 60u);
  for (double s : none.sigma) EXPECT_LT(s, 1e-4);
  EXPECT_GT(none.snrDb, 60.0);

  Cube holed = mixture(60, 12, 12, 5);
  addGaussianNoise(holed, 0.01, 2);
  holed.at(7, 3, 3) = std::nanf("");
  const BandNoise skipped = estimateBandNoise(holed);
  EXPECT_EQ(skipped.pixels, 143);
  EXPECT_TRUE(std::isfinite(skipped.snrDb));

  EXPECT_TRUE(estimateBandNoise(mixture(60, 1, 3, 1)).sigma.empty());
  EXPECT_TRUE(estimateBandNoise(mixture(1, 12, 12, 1)).sigma.empty());
  EXPECT_TRUE(std::isnan(estimateBandNoise(mixture(1, 12, 12, 1)).snrDb));
}
