#include "lib/numeric/LinearSolve.h"

#include <cmath>

#include "lib/core/Error.h"

namespace hsifuse {

double dot(const double* a, const double* b, std::size_t n) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  std::size_t k = 0;
  for (; k + 4 <= n; k += 4) {
    s0 += a[k] * b[k];
    s1 += a[k + 1] * b[k + 1];
    s2 += a[k + 2] * b[k + 2];
    s3 += a[k + 3] * b[k + 3];
  }
  for (; k < n; ++k) s0 += a[k] * b[k];
  return (s0 + s1) + (s2 + s3);
}

std::vector<double> solveSymmetric(std::vector<double> a, std::vector<double> b) {
  const std::size_t n = b.size();
  double trace = 0;
  for (std::size_t i = 0; i < n; ++i) trace += a[i * n + i];
  const double ridge = 1e-10 * (trace > 0 ? trace / n : 1.0);
  for (std::size_t i = 0; i < n; ++i) a[i * n + i] += ridge;
  // Cholesky: a = L L^T, L stored in the lower triangle of a.
  for (std::size_t j = 0; j < n; ++j) {
    const double* rowJ = &a[j * n];
    const double d = a[j * n + j] - dot(rowJ, rowJ, j);
    if (!(d > 0)) throw Error("least-squares system is singular");
    a[j * n + j] = std::sqrt(d);
    for (std::size_t i = j + 1; i < n; ++i) a[i * n + j] = (a[i * n + j] - dot(&a[i * n], rowJ, j)) / a[j * n + j];
  }
  for (std::size_t i = 0; i < n; ++i) b[i] = (b[i] - dot(&a[i * n], b.data(), i)) / a[i * n + i];  // L y = b
  for (std::size_t i = n; i-- > 0;) {                                                              // L^T x = y
    double s = b[i];
    for (std::size_t k = i + 1; k < n; ++k) s -= a[k * n + i] * b[k];
    b[i] = s / a[i * n + i];
  }
  return b;
}

}  // namespace hsifuse
