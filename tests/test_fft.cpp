// lib/numeric/Fft: the transform against the direct sum.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <random>
#include <vector>

#include "lib/numeric/Fft.h"

using namespace hsifuse;

TEST(Fft, MatchesTheDirectTransformForAnyLength) {
  for (int n : {1, 2, 8, 12, 15, 31, 90, 1080}) {
    std::vector<std::complex<double>> x(n), direct(n);
    for (int k = 0; k < n; ++k) x[k] = {std::sin(0.7 * k + 1), std::cos(1.3 * k)};
    for (int f = 0; f < n; ++f)
      for (int k = 0; k < n; ++k) direct[f] += x[k] * std::polar(1.0, -2 * M_PI * f * k / n);
    auto y = x;
    fft1d(y, false);
    for (int f = 0; f < n; ++f) EXPECT_NEAR(std::abs(y[f] - direct[f]), 0.0, 1e-9) << "n " << n;
    fft1d(y, true);
    for (int k = 0; k < n; ++k) EXPECT_NEAR(std::abs(y[k] - x[k]), 0.0, 1e-12);
  }
}
