#include "lib/numeric/SymmetricEigen.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace hsifuse {

SymmetricEigen symmetricEigen(const std::vector<double>& matrix, int n) {
  std::vector<double> a = matrix, v(static_cast<std::size_t>(n) * n, 0.0);
  auto A = [&](int i, int j) -> double& { return a[static_cast<std::size_t>(i) * n + j]; };
  auto V = [&](int i, int j) -> double& { return v[static_cast<std::size_t>(i) * n + j]; };
  for (int i = 0; i < n; ++i) V(i, i) = 1;
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0, diag = 0;
    for (int i = 0; i < n; ++i) {
      diag += A(i, i) * A(i, i);
      for (int j = i + 1; j < n; ++j) off += A(i, j) * A(i, j);
    }
    if (off <= 1e-30 * std::max(diag, 1e-300)) break;
    for (int p = 0; p < n; ++p)
      for (int q = p + 1; q < n; ++q) {
        const double apq = A(p, q);
        if (apq == 0) continue;
        // The rotation that zeroes A(p, q) (Golub & Van Loan, symmetric Schur decomposition).
        const double theta = (A(q, q) - A(p, p)) / (2 * apq);
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::fabs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1), s = t * c;
        for (int k = 0; k < n; ++k) {
          const double akp = A(k, p), akq = A(k, q);
          A(k, p) = c * akp - s * akq;
          A(k, q) = s * akp + c * akq;
        }
        for (int k = 0; k < n; ++k) {
          const double apk = A(p, k), aqk = A(q, k);
          A(p, k) = c * apk - s * aqk;
          A(q, k) = s * apk + c * aqk;
        }
        for (int k = 0; k < n; ++k) {
          const double vkp = V(k, p), vkq = V(k, q);
          V(k, p) = c * vkp - s * vkq;
          V(k, q) = s * vkp + c * vkq;
        }
      }
  }
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int x, int y) { return A(x, x) > A(y, y); });
  SymmetricEigen out;
  out.values.resize(n);
  out.vectors.resize(static_cast<std::size_t>(n) * n);
  for (int k = 0; k < n; ++k) {
    out.values[k] = A(order[k], order[k]);
    for (int i = 0; i < n; ++i) out.vectors[static_cast<std::size_t>(i) * n + k] = V(i, order[k]);
  }
  return out;
}

std::vector<double> symmetricPseudoInverse(const std::vector<double>& matrix, int n, double tol) {
  const SymmetricEigen e = symmetricEigen(matrix, n);
  double largest = 0;
  for (double l : e.values) largest = std::max(largest, std::fabs(l));
  std::vector<double> out(static_cast<std::size_t>(n) * n, 0.0);
  for (int k = 0; k < n; ++k) {
    if (std::fabs(e.values[k]) <= tol * largest || e.values[k] == 0) continue;
    const double inv = 1 / e.values[k];
    for (int i = 0; i < n; ++i) {
      const double vi = e.vectors[static_cast<std::size_t>(i) * n + k] * inv;
      for (int j = 0; j < n; ++j)
        out[static_cast<std::size_t>(i) * n + j] += vi * e.vectors[static_cast<std::size_t>(j) * n + k];
    }
  }
  return out;
}

}  // namespace hsifuse
