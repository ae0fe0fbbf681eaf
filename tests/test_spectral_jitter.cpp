// lib/spectral/SpectralJitter: perturbed spectral responses and brightness / spectral-shape jitter.
#include <gtest/gtest.h>

#include <cmath>

#include "lib/spectral/SpectralJitter.h"

using namespace hsifuse;

TEST(SpectralJitter, PerturbedResponseKeepsSupportSignAndRoughlyItsSum) {
  const ResponseMatrix p{{0.0, 0.2, 0.5, 0.3, 0.0, 0.0}, {0.0, 0.0, 0.0, 0.1, 0.6, 0.3}};
  std::mt19937_64 rng(5);
  bool changed = false;
  for (int i = 0; i < 50; ++i) {
    const ResponseMatrix q = perturbResponse(p, 0.15, 0.03, rng);
    for (std::size_t r = 0; r < p.size(); ++r) {
      double sp = 0, sq = 0;
      for (std::size_t j = 0; j < p[r].size(); ++j) {
        if (p[r][j] == 0) {
          ASSERT_EQ(q[r][j], 0.0);  // no response where the curve has none
        }
        ASSERT_GE(q[r][j], 0.0);
        sp += p[r][j];
        sq += q[r][j];
        changed |= q[r][j] != p[r][j];
      }
      ASSERT_NEAR(sq / sp, 1.0, 0.15);  // the gain: 3 % standard deviation
    }
  }
  EXPECT_TRUE(changed);
  // No perturbation asked: P unchanged.
  EXPECT_EQ(perturbResponse(p, 0.0, 0.0, rng), p);
}

TEST(SpectralJitter, BrightnessTiltAndBowScaleEachBand) {
  Cube z(5, 2, 2, 1.0f);
  z.at(0, 0, 0) = -1.0f;
  jitterSpectra(z, 2.0, 0.1, 0.0);
  EXPECT_FLOAT_EQ(z.at(0, 1, 1), 2.0f * 0.9f);  // first band: t = -1
  EXPECT_FLOAT_EQ(z.at(2, 1, 1), 2.0f);         // middle band: t = 0
  EXPECT_FLOAT_EQ(z.at(4, 1, 1), 2.0f * 1.1f);  // last band: t = +1
  EXPECT_EQ(z.at(0, 0, 0), 0.0f);               // clamped at zero
  Cube w(3, 1, 1, 1.0f);
  jitterSpectra(w, 1.0, 0.0, 0.3);
  EXPECT_NEAR(w.at(0, 0, 0), 1.0 + 0.3 * (2.0 / 3), 1e-6);
  EXPECT_NEAR(w.at(1, 0, 0), 1.0 - 0.3 / 3, 1e-6);
}
