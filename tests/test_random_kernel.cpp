// lib/spatial/RandomKernel: random kernels of the four families, centred, sized by the scale, reproducible.
#include <gtest/gtest.h>

#include <cmath>

#include "lib/core/Error.h"
#include "lib/spatial/RandomKernel.h"

using namespace hsifuse;

namespace {

double sum(const BlurKernel& k) {
  double s = 0;
  for (double v : k.w) s += v;
  return s;
}

// The kernel's second moment about its centroid, HR pixels squared: how wide it blurs.
double spread(const BlurKernel& k) {
  const auto [cr, cc] = kernelCentroid(k);
  double m = 0;
  for (int r = 0; r < k.rows; ++r)
    for (int c = 0; c < k.cols; ++c) {
      const double dr = r - (k.rows - 1) / 2.0 - cr, dc = c - (k.cols - 1) / 2.0 - cc;
      m += k.at(r, c) * (dr * dr + dc * dc);
    }
  return m;
}

}  // namespace

TEST(RandomKernel, EveryFamilyIsANormalisedCentredKernelSizedByTheScale) {
  for (const char* name : {"gaussian", "anisotropic", "disk", "motion"}) {
    const KernelFamily family = parseKernelFamily(name, "--kernel-families");
    EXPECT_EQ(kernelFamilyName(family), name);
    for (int s : {3, 8}) {
      std::mt19937_64 rng(7);
      double meanSpread = 0;
      for (int i = 0; i < 20; ++i) {
        const BlurKernel k = randomKernel(family, s, rng);
        SCOPED_TRACE(std::string(name) + " s=" + std::to_string(s));
        ASSERT_EQ(k.rows % 2, 1);
        ASSERT_EQ(k.rows, k.cols);
        ASSERT_LE(k.rows, 4 * s + 1);
        ASSERT_NEAR(sum(k), 1.0, 1e-9);
        for (double v : k.w) ASSERT_GE(v, 0.0);
        const auto [cr, cc] = kernelCentroid(k);
        // Centred (the motion trajectory's centroid within a tenth of a pixel; a truncated tail moves it a little).
        ASSERT_LT(std::hypot(cr, cc), 0.1);
        meanSpread += spread(k) / 20;
      }
      // Wider blurs at the larger scale: the spread grows about as s^2.
      if (s == 8) {
        EXPECT_GT(meanSpread, 2.0) << name;
      } else {
        EXPECT_LT(meanSpread, 8.0) << name;
      }
    }
  }
  EXPECT_THROW(parseKernelFamily("box", "--kernel-families"), InputError);
}

TEST(RandomKernel, MotionKernelsFollowAThinPathAndRepeatForASeed) {
  std::mt19937_64 a(3), b(3), c(4);
  const BlurKernel k1 = motionKernel(15, 10, 0.0, 0.0, a), k2 = motionKernel(15, 10, 0.0, 0.0, b);
  EXPECT_EQ(k1.w, k2.w);
  EXPECT_NE(k1.w, motionKernel(15, 10, 0.0, 0.0, c).w);
  // A straight 10-pixel path: few taps hold the weight, and its spread is that of a segment (L^2 / 12).
  int nonZero = 0;
  for (double v : k1.w) nonZero += v > 1e-9;
  EXPECT_LT(nonZero, 15 * 15 / 4);
  EXPECT_NEAR(spread(k1), 100.0 / 12, 1.5);
  // The optics' blur widens it.
  std::mt19937_64 d(3);
  EXPECT_GT(spread(motionKernel(15, 10, 0.0, 1.0, d)), spread(k1) + 1.5);
  EXPECT_THROW(motionKernel(1, 10, 0.0, 0.0, d), InputError);
}
