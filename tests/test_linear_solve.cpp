// lib/numeric/LinearSolve: the dot product with its four partial sums and the Cholesky solve built on it.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "lib/core/Error.h"
#include "lib/numeric/LinearSolve.h"

using namespace hsifuse;

// Every length around the four-way unrolling, the tail included, against a plain sum.
TEST(LinearSolve, DotCoversEveryLength) {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal;
  for (std::size_t n = 0; n <= 13; ++n) {
    std::vector<double> a(n), b(n);
    double plain = 0;
    for (std::size_t k = 0; k < n; ++k) a[k] = normal(rng), b[k] = normal(rng), plain += a[k] * b[k];
    EXPECT_NEAR(dot(a.data(), b.data(), n), plain, 1e-12) << "n = " << n;
  }
}

// A well-conditioned system of the size of a 32 x 32 kernel's (s = 8) and a small one: A x = b holds to rounding;
// an indefinite one is refused.
TEST(LinearSolve, SolvesSymmetricPositiveSystems) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal;
  for (std::size_t n : {3u, 1024u}) {
    // A = M M' / n + I: symmetric, eigenvalues from 1 to about 5.
    std::vector<double> m(n * n), a(n * n, 0.0), x(n), b(n, 0.0);
    for (double& v : m) v = normal(rng);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j <= i; ++j) {
        const double v = dot(&m[i * n], &m[j * n], n) / n + (i == j ? 1.0 : 0.0);
        a[i * n + j] = a[j * n + i] = v;
      }
    for (double& v : x) v = normal(rng);
    for (std::size_t i = 0; i < n; ++i) b[i] = dot(&a[i * n], x.data(), n);
    const std::vector<double> solved = solveSymmetric(a, b);
    double worst = 0;
    for (std::size_t i = 0; i < n; ++i) worst = std::max(worst, std::fabs(solved[i] - x[i]));
    EXPECT_LT(worst, 1e-8) << "n = " << n;
  }
  EXPECT_THROW(solveSymmetric({1, 2, 2, 1}, {1, 2}), Error);  // eigenvalues 3 and -1
}
