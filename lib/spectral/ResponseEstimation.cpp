#include "lib/spectral/ResponseEstimation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "lib/core/Error.h"

namespace hsifuse {

ResponseFit estimateResponse(const Cube& lr, const Cube& msiLr, double smoothness) {
  if (lr.rows != msiLr.rows || lr.cols != msiLr.cols)
    throw Error(fmt::format("response fit: the HSI is {}x{} and the MSI on the LR grid {}x{}", lr.rows, lr.cols,
                            msiLr.rows, msiLr.cols));
  const int B = lr.bands;
  const std::size_t n = lr.planeSize();
  if (n < static_cast<std::size_t>(2 * B) / 4 + 4)
    throw InputError(fmt::format("--srf estimate: {} LR pixels are too few to fit {} HSI bands", n, B));
  // Normal equations: G = Y'Y + lambda D'D, and Y'x per MSI band.
  std::vector<double> g(static_cast<std::size_t>(B) * B, 0.0);
  for (int a = 0; a < B; ++a)
    for (int b = a; b < B; ++b) {
      double s = 0;
      const float *ya = lr.band(a), *yb = lr.band(b);
      for (std::size_t i = 0; i < n; ++i) s += double(ya[i]) * yb[i];
      g[static_cast<std::size_t>(a) * B + b] = g[static_cast<std::size_t>(b) * B + a] = s;
    }
  double meanDiag = 0;
  for (int a = 0; a < B; ++a) meanDiag += g[static_cast<std::size_t>(a) * B + a] / B;
  const double lambda = smoothness * meanDiag;
  for (int k = 1; k + 1 < B; ++k) {  // D'D for rows (1, -2, 1) at k-1, k, k+1
    const int idx[3] = {k - 1, k, k + 1};
    const double w[3] = {1, -2, 1};
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) g[static_cast<std::size_t>(idx[i]) * B + idx[j]] += lambda * w[i] * w[j];
  }
  // Step 1/L with L bounded by the largest row sum of |G| (Gershgorin).
  double lip = 0;
  for (int a = 0; a < B; ++a) {
    double s = 0;
    for (int b = 0; b < B; ++b) s += std::fabs(g[static_cast<std::size_t>(a) * B + b]);
    lip = std::max(lip, s);
  }
  ResponseFit fit;
  for (int c = 0; c < msiLr.bands; ++c) {
    std::vector<double> yx(B, 0.0), p(B, 0.0), grad(B);
    const float* x = msiLr.band(c);
    double xx = 0;
    for (std::size_t i = 0; i < n; ++i) xx += double(x[i]) * x[i];
    for (int b = 0; b < B; ++b) {
      const float* y = lr.band(b);
      double s = 0;
      for (std::size_t i = 0; i < n; ++i) s += double(y[i]) * x[i];
      yx[b] = s;
    }
    // Projected gradient (accelerated, FISTA) on 1/2 p'Gp - p'Y'x, p >= 0.
    std::vector<double> z = p, prev = p;
    double t = 1;
    for (int it = 0; it < 3000; ++it) {
      for (int a = 0; a < B; ++a) {
        double s = -yx[a];
        for (int b = 0; b < B; ++b) s += g[static_cast<std::size_t>(a) * B + b] * z[b];
        grad[a] = s;
      }
      prev = p;
      for (int a = 0; a < B; ++a) p[a] = std::max(0.0, z[a] - grad[a] / lip);
      const double tn = (1 + std::sqrt(1 + 4 * t * t)) / 2;
      for (int a = 0; a < B; ++a) z[a] = p[a] + (t - 1) / tn * (p[a] - prev[a]);
      t = tn;
    }
    double sum = 0;
    for (double v : p) sum += v;
    // Residual of the unscaled fit.
    double rr = 0;
    for (std::size_t i = 0; i < n; ++i) {
      double m = 0;
      for (int b = 0; b < B; ++b) m += p[b] * lr.band(b)[i];
      rr += (x[i] - m) * (x[i] - m);
    }
    fit.relativeResidual.push_back(xx > 0 ? std::sqrt(rr / xx) : 0.0);
    if (!(sum > 0))
      throw InputError(fmt::format("--srf estimate: MSI band {} is not explained by any HSI band", c + 1));
    for (double& v : p) v /= sum;
    fit.p.push_back(std::move(p));
  }
  return fit;
}

}  // namespace hsifuse
