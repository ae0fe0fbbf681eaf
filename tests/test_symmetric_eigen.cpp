// lib/numeric/SymmetricEigen: decomposition, reconstruction, pseudo-inverse.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "lib/numeric/SymmetricEigen.h"

using namespace hsifuse;

TEST(SymmetricEigen, ReconstructsAndInvertsOnItsRange) {
  const int n = 6;
  std::vector<double> a(n * n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) a[i * n + j] = std::cos(i + j) + (i == j ? 3.0 : 0.0) + 0.1 * std::sin(i * j);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < i; ++j) a[i * n + j] = a[j * n + i];
  const SymmetricEigen e = symmetricEigen(a, n);
  for (int k = 1; k < n; ++k) EXPECT_GE(e.values[k - 1], e.values[k]);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      double s = 0;
      for (int k = 0; k < n; ++k) s += e.vectors[i * n + k] * e.values[k] * e.vectors[j * n + k];
      EXPECT_NEAR(s, a[i * n + j], 1e-10);
    }
  const auto inv = symmetricPseudoInverse(a, n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      double s = 0;
      for (int k = 0; k < n; ++k) s += a[i * n + k] * inv[k * n + j];
      EXPECT_NEAR(s, i == j ? 1.0 : 0.0, 1e-9);
    }
}

// The tridiagonal QL decomposition against the Jacobi one: the same eigenvalues, orthonormal vectors that rebuild the
// matrix, on a covariance-like matrix of 150 bands with a few strong directions and a repeated (noise) eigenvalue,
// and on matrices that are already diagonal or tridiagonal.
TEST(SymmetricEigen, TheTridiagonalQlAgreesWithJacobi) {
  std::mt19937 rng(7);
  std::normal_distribution<double> normal;
  auto check = [](const std::vector<double>& a, int n, const char* what) {
    const SymmetricEigen j = symmetricEigen(a, n), t = symmetricEigenTridiagonal(a, n);
    double scale = 0;
    for (double v : j.values) scale = std::max(scale, std::fabs(v));
    for (int k = 0; k < n; ++k) ASSERT_NEAR(t.values[k], j.values[k], 1e-9 * scale) << what << " eigenvalue " << k;
    double worstOrtho = 0, worstRebuild = 0;
    for (int a1 = 0; a1 < n; ++a1)
      for (int b1 = 0; b1 < n; ++b1) {
        double dot = 0, rebuilt = 0;
        for (int i = 0; i < n; ++i) dot += t.vectors[i * n + a1] * t.vectors[i * n + b1];
        for (int k = 0; k < n; ++k) rebuilt += t.vectors[a1 * n + k] * t.values[k] * t.vectors[b1 * n + k];
        worstOrtho = std::max(worstOrtho, std::fabs(dot - (a1 == b1 ? 1.0 : 0.0)));
        worstRebuild = std::max(worstRebuild, std::fabs(rebuilt - a[a1 * n + b1]));
      }
    EXPECT_LT(worstOrtho, 1e-10) << what;
    EXPECT_LT(worstRebuild, 1e-10 * scale) << what;
  };
  const int n = 150, pixels = 400;
  std::vector<double> x(static_cast<std::size_t>(n) * pixels);
  for (int p = 0; p < pixels; ++p) {
    const double s1 = normal(rng), s2 = normal(rng), s3 = normal(rng);
    for (int b = 0; b < n; ++b)
      x[b * pixels + p] =
          5 * s1 * std::sin(0.02 * b) + 2 * s2 * std::cos(0.05 * b) + s3 * (b % 7) / 7.0 + 0.1 * normal(rng);
  }
  std::vector<double> cov(static_cast<std::size_t>(n) * n);
  for (int a1 = 0; a1 < n; ++a1)
    for (int b1 = 0; b1 < n; ++b1) {
      double s = 0;
      for (int p = 0; p < pixels; ++p) s += x[a1 * pixels + p] * x[b1 * pixels + p];
      cov[a1 * n + b1] = s / pixels;
    }
  check(cov, n, "covariance");
  std::vector<double> diagonal(25 * 25, 0.0), tri(25 * 25, 0.0);
  for (int i = 0; i < 25; ++i) {
    diagonal[i * 25 + i] = (i * 7) % 11;
    tri[i * 25 + i] = 2;
    if (i + 1 < 25) tri[i * 25 + i + 1] = tri[(i + 1) * 25 + i] = -1;
  }
  check(diagonal, 25, "diagonal");
  check(tri, 25, "tridiagonal");
}
