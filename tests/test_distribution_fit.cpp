// lib/quality/DistributionFit: the score's distribution fits recover known parameters.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "lib/quality/DistributionFit.h"

using namespace hsifuse;

TEST(DistributionFit, RecoversKnownParameters) {
  std::mt19937 rng(3);
  std::normal_distribution<double> normal(0.0, 2.0);
  std::vector<double> g(200000);
  for (double& v : g) v = normal(rng);
  const GgdFit fit = fitGgd(g);
  EXPECT_NEAR(fit.alpha, 2.0, 0.03);                  // a Gaussian is a GGD of shape 2
  EXPECT_NEAR(fit.beta, 2.0 * std::sqrt(2.0), 0.05);  // with scale sigma * sqrt(2)
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> laplace(200000);
  std::exponential_distribution<double> ex(1.0);
  for (double& v : laplace) v = (u(rng) < 0 ? -1 : 1) * ex(rng);
  EXPECT_NEAR(fitGgd(laplace).alpha, 1.0, 0.03);
  const AggdFit a = fitAggd(g);
  EXPECT_NEAR(a.alpha, 2.0, 0.05);
  EXPECT_NEAR(a.mean, 0.0, 0.05);
  std::weibull_distribution<double> w(1.7, 3.0);
  std::vector<double> wv(100000);
  for (double& v : wv) v = w(rng);
  const WeibullFit wf = fitWeibull(wv);
  EXPECT_NEAR(wf.shape, 1.7, 0.02);
  EXPECT_NEAR(wf.scale, 3.0, 0.03);
  EXPECT_TRUE(std::isnan(fitGgd(std::vector<double>(10, 0.0)).alpha));
}
