#include "lib/numeric/SymmetricEigen.h"

#include <algorithm>
#include <cmath>
#include <limits>
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

SymmetricEigen symmetricEigenTridiagonal(const std::vector<double>& matrix, int n) {
  // a: the matrix, reduced in place; q accumulates the reflections, then the QL rotations (the eigenvectors).
  std::vector<double> a = matrix, q(static_cast<std::size_t>(n) * n, 0.0);
  auto A = [&](int i, int j) -> double& { return a[static_cast<std::size_t>(i) * n + j]; };
  auto Q = [&](int i, int j) -> double& { return q[static_cast<std::size_t>(i) * n + j]; };
  std::vector<double> d(n), e(n, 0.0);           // diagonal; e[i] couples i and i + 1
  std::vector<std::vector<double>> reflections;  // v of H_k = I - 2 v v', acting on rows / columns k + 1 ..
  std::vector<double> p(n);
  for (int k = 0; k + 2 < n; ++k) {
    const int m = n - k - 1;  // length of the column below the diagonal
    double norm = 0;
    for (int i = k + 1; i < n; ++i) norm += A(i, k) * A(i, k);
    norm = std::sqrt(norm);
    std::vector<double> v(m);
    for (int i = 0; i < m; ++i) v[i] = A(k + 1 + i, k);
    const double alpha = v[0] > 0 ? -norm : norm;
    v[0] -= alpha;
    double vn = 0;
    for (double x : v) vn += x * x;
    vn = std::sqrt(vn);
    if (vn == 0 || norm == 0) {  // already reduced
      reflections.emplace_back();
      continue;
    }
    for (double& x : v) x /= vn;
    // A22 <- H A22 H = A22 - 2 v w' - 2 w v', with p = A22 v, w = p - (v'p) v.
    double vp = 0;
    for (int i = 0; i < m; ++i) {
      double acc = 0;
      for (int j = 0; j < m; ++j) acc += A(k + 1 + i, k + 1 + j) * v[j];
      p[i] = acc;
      vp += v[i] * acc;
    }
    for (int i = 0; i < m; ++i) p[i] -= vp * v[i];
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < m; ++j) A(k + 1 + i, k + 1 + j) -= 2 * (v[i] * p[j] + p[i] * v[j]);
    A(k + 1, k) = A(k, k + 1) = alpha;
    for (int i = k + 2; i < n; ++i) A(i, k) = A(k, i) = 0;
    reflections.push_back(std::move(v));
  }
  for (int i = 0; i < n; ++i) {
    d[i] = A(i, i);
    if (i + 1 < n) e[i] = A(i + 1, i);
    Q(i, i) = 1;
  }
  // Q = H_0 H_1 ... : applied from the last reflection to the first, each to rows k + 1 .. of Q.
  for (int k = static_cast<int>(reflections.size()) - 1; k >= 0; --k) {
    const std::vector<double>& v = reflections[k];
    if (v.empty()) continue;
    const int m = static_cast<int>(v.size());
    for (int c = 0; c < n; ++c) {
      double dot = 0;
      for (int i = 0; i < m; ++i) dot += v[i] * Q(k + 1 + i, c);
      if (dot == 0) continue;
      for (int i = 0; i < m; ++i) Q(k + 1 + i, c) -= 2 * dot * v[i];
    }
  }
  // Implicit QL on (d, e), rotations accumulated into the columns of Q.
  const double eps = std::numeric_limits<double>::epsilon();
  for (int l = 0; l < n; ++l) {
    for (int iter = 0; iter < 60; ++iter) {
      int m = l;
      for (; m + 1 < n; ++m)
        if (std::fabs(e[m]) <= eps * (std::fabs(d[m]) + std::fabs(d[m + 1]))) break;
      if (m == l) break;
      double g = (d[l + 1] - d[l]) / (2 * e[l]);
      double r = std::hypot(g, 1.0);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));  // the Wilkinson shift, folded in
      double s = 1, c = 1, shift = 0;
      bool underflow = false;
      for (int i = m - 1; i >= l; --i) {
        const double f = s * e[i], b = c * e[i];
        r = std::hypot(f, g);
        e[i + 1] = r;
        if (r == 0) {  // a split: deflate and start again
          d[i + 1] -= shift;
          e[m] = 0;
          underflow = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - shift;
        r = (d[i] - g) * s + 2 * c * b;
        shift = s * r;
        d[i + 1] = g + shift;
        g = c * r - b;
        for (int k = 0; k < n; ++k) {
          const double qk1 = Q(k, i + 1), qk = Q(k, i);
          Q(k, i + 1) = s * qk + c * qk1;
          Q(k, i) = c * qk - s * qk1;
        }
      }
      if (underflow) continue;
      d[l] -= shift;
      e[l] = g;
      e[m] = 0;
    }
  }
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int x, int y) { return d[x] > d[y]; });
  SymmetricEigen out;
  out.values.resize(n);
  out.vectors.resize(static_cast<std::size_t>(n) * n);
  for (int k = 0; k < n; ++k) {
    out.values[k] = d[order[k]];
    for (int i = 0; i < n; ++i) out.vectors[static_cast<std::size_t>(i) * n + k] = Q(i, order[k]);
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
