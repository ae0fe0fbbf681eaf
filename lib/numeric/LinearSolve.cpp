#include "lib/numeric/LinearSolve.h"

#include <cmath>

#include "lib/core/Error.h"

namespace hsifuse {

std::vector<double> solveSymmetric(std::vector<double> a, std::vector<double> b) {
  const std::size_t n = b.size();
  double trace = 0;
  for (std::size_t i = 0; i < n; ++i) trace += a[i * n + i];
  const double ridge = 1e-10 * (trace > 0 ? trace / n : 1.0);
  for (std::size_t i = 0; i < n; ++i) a[i * n + i] += ridge;
  // Cholesky: a = L L^T, L stored in the lower triangle of a.
  for (std::size_t j = 0; j < n; ++j) {
    double d = a[j * n + j];
    for (std::size_t k = 0; k < j; ++k) d -= a[j * n + k] * a[j * n + k];
    if (!(d > 0)) throw Error("least-squares system is singular");
    a[j * n + j] = std::sqrt(d);
    for (std::size_t i = j + 1; i < n; ++i) {
      double s = a[i * n + j];
      for (std::size_t k = 0; k < j; ++k) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / a[j * n + j];
    }
  }
  for (std::size_t i = 0; i < n; ++i) {  // L y = b
    double s = b[i];
    for (std::size_t k = 0; k < i; ++k) s -= a[i * n + k] * b[k];
    b[i] = s / a[i * n + i];
  }
  for (std::size_t i = n; i-- > 0;) {  // L^T x = y
    double s = b[i];
    for (std::size_t k = i + 1; k < n; ++k) s -= a[k * n + i] * b[k];
    b[i] = s / a[i * n + i];
  }
  return b;
}

}  // namespace hsifuse
