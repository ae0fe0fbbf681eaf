// lib/fusion/StageBlend: convex per-band weights of several first stages, fitted against a reference.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "lib/core/Error.h"
#include "lib/fusion/StageBlend.h"
#include "lib/quality/Metrics.h"

using namespace hsifuse;

namespace {

double sum(const std::vector<double>& w) {
  double s = 0;
  for (double v : w) s += v;
  return s;
}

// A smooth reference and a copy with independent Gaussian noise of standard deviation `sigma`.
Cube reference(int bands, int side) {
  Cube c(bands, side, side);
  for (int b = 0; b < bands; ++b)
    for (int r = 0; r < side; ++r)
      for (int k = 0; k < side; ++k) c.at(b, r, k) = 0.5f + 0.3f * std::sin(0.3 * r + 0.2 * k + b);
  return c;
}
Cube noisy(const Cube& ref, double sigma, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> n(0.0f, static_cast<float>(sigma));
  Cube out = ref;
  for (float& v : out.data) v += n(rng);
  return out;
}

}  // namespace

// The minimiser of w' G w on the simplex, against values worked out by hand.
TEST(StageBlend, ConvexWeightsMatchHandWorkedCases) {
  // Independent errors of variances 1 and 4: w proportional to the inverse variances, (0.8, 0.2).
  auto w = convexWeights({1, 0, 0, 4}, 2);
  EXPECT_NEAR(w[0], 0.8, 1e-9);
  EXPECT_NEAR(w[1], 0.2, 1e-9);
  // Equal and independent: the mean.
  w = convexWeights({2, 0, 0, 2}, 2);
  EXPECT_NEAR(w[0], 0.5, 1e-9);
  // Strongly correlated errors, the second larger: the unconstrained optimum (7, -1)/6 extrapolates; the convex
  // one is the first part alone.
  w = convexWeights({1, 2, 2, 9}, 2);
  EXPECT_DOUBLE_EQ(w[0], 1.0);
  EXPECT_DOUBLE_EQ(w[1], 0.0);
  // Identical parts: the first one, not an arbitrary split.
  w = convexWeights({1, 1, 1, 1}, 2);
  EXPECT_DOUBLE_EQ(w[0], 1.0);
  // Three independent parts of variances 1, 2, 4: weights 4:2:1.
  w = convexWeights({1, 0, 0, 0, 2, 0, 0, 0, 4}, 3);
  EXPECT_NEAR(w[0], 4.0 / 7, 1e-9);
  EXPECT_NEAR(w[1], 2.0 / 7, 1e-9);
  EXPECT_NEAR(w[2], 1.0 / 7, 1e-9);
  EXPECT_NEAR(sum(w), 1.0, 1e-9);
  EXPECT_THROW(convexWeights({1, 0, 0}, 2), Error);
}

// Fitted on two phases of a reference with two noisy parts: the weights follow the noise, each row is convex, and the
// blend is better than either part; a part equal to the reference takes all the weight.
TEST(StageBlend, FittedBlendBeatsItsParts) {
  const Cube ref1 = reference(4, 32), ref2 = reference(4, 32);
  BlendFit fit(2, 4);
  const std::vector<Cube> phase1{noisy(ref1, 0.01, 1), noisy(ref1, 0.02, 2)};
  const std::vector<Cube> phase2{noisy(ref2, 0.01, 3), noisy(ref2, 0.02, 4)};
  fit.add(phase1, ref1);
  fit.add(phase2, ref2);
  const auto weights = fit.weights();
  ASSERT_EQ(weights.size(), 4u);
  for (const auto& row : weights) {
    EXPECT_NEAR(sum(row), 1.0, 1e-9);
    EXPECT_NEAR(row[0], 0.8, 0.08);  // 1/0.01^2 against 1/0.02^2
  }
  const Cube blended = blendCubes(phase1, weights);
  EXPECT_LT(cubeMse(ref1, blended), cubeMse(ref1, phase1[0]));
  EXPECT_LT(cubeMse(ref1, blended), cubeMse(ref1, phase1[1]));
  StageBlend blend{{"gsa", "glp-hs"}, weights};
  EXPECT_NEAR(blend.meanWeights()[0], 0.8, 0.08);

  BlendFit exact(2, 4);
  exact.add({noisy(ref1, 0.05, 5), ref1}, ref1);
  for (const auto& row : exact.weights()) {
    EXPECT_DOUBLE_EQ(row[0], 0.0);
    EXPECT_DOUBLE_EQ(row[1], 1.0);
  }
  EXPECT_THROW(exact.add({ref1}, ref1), Error);
}

// Band b of the blend is the weighted sum of the parts' band b.
TEST(StageBlend, BlendCubesMixesBandByBand) {
  Cube a(2, 1, 2, 1.0f), b(2, 1, 2, 3.0f);
  const Cube z = blendCubes({a, b}, {{1.0, 0.0}, {0.25, 0.75}});
  EXPECT_FLOAT_EQ(z.at(0, 0, 1), 1.0f);
  EXPECT_FLOAT_EQ(z.at(1, 0, 0), 2.5f);
  EXPECT_THROW(blendCubes({a, b}, {{1.0, 0.0}}), Error);
}
