// lib/numeric/SymmetricEigen: decomposition, reconstruction, pseudo-inverse.
#include <gtest/gtest.h>

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
