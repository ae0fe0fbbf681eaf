#include "lib/spectral/BandNoise.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "lib/core/Error.h"
#include "lib/numeric/LinearSolve.h"

namespace hsifuse {

BandCovariance bandCovariance(const Cube& c) {
  BandCovariance out;
  const int nb = c.bands;
  const std::size_t plane = c.planeSize();
  std::vector<std::size_t> pixels;
  for (std::size_t i = 0; i < plane; ++i) {
    bool finite = true;
    for (int b = 0; b < nb && finite; ++b) finite = std::isfinite(c.band(b)[i]);
    if (finite) pixels.push_back(i);
  }
  const int n = static_cast<int>(pixels.size());
  out.pixels = n;
  out.mean.assign(nb, 0.0);
  out.cov.assign(static_cast<std::size_t>(nb) * nb, 0.0);
  if (n == 0) return out;
  std::vector<double> v(nb);
  for (std::size_t i : pixels)
    for (int b = 0; b < nb; ++b) {
      out.mean[b] += c.band(b)[i];
      out.meanSquare += double(c.band(b)[i]) * c.band(b)[i];
    }
  for (double& m : out.mean) m /= n;
  out.meanSquare /= double(n) * nb;
  std::vector<double>& cov = out.cov;
  for (std::size_t i : pixels) {
    for (int b = 0; b < nb; ++b) v[b] = c.band(b)[i] - out.mean[b];
    for (int a = 0; a < nb; ++a)
      for (int b = a; b < nb; ++b) cov[static_cast<std::size_t>(a) * nb + b] += v[a] * v[b];
  }
  for (int a = 0; a < nb; ++a)
    for (int b = a; b < nb; ++b)
      cov[static_cast<std::size_t>(b) * nb + a] = cov[static_cast<std::size_t>(a) * nb + b] /= n;
  return out;
}

BandNoise estimateBandNoise(const Cube& c, int maxRegressors) {
  return estimateBandNoise(bandCovariance(c), maxRegressors);
}

BandNoise estimateBandNoise(const BandCovariance& stats, int maxRegressors) {
  BandNoise out;
  out.snrDb = std::numeric_limits<double>::quiet_NaN();
  const int nb = static_cast<int>(stats.mean.size());
  const int n = stats.pixels;
  out.pixels = n;
  out.regressors = std::min({nb - 1, maxRegressors, n / 2 - 1});
  if (out.regressors < 1) {
    out.regressors = 0;
    return out;
  }
  // Each regression has an intercept, so on the centred covariance.
  const std::vector<double>& cov = stats.cov;
  // Band i on its m nearest bands: the residual sum of squares is n (cov_ii - c' A^-1 c) (A the regressors'
  // covariance, c their covariance with band i); divided by the residual degrees of freedom n - m - 1.
  const int m = out.regressors;
  out.sigma.assign(nb, 0.0);
  double noisePower = 0;
  for (int i = 0; i < nb; ++i) {
    std::vector<int> near;
    for (int d = 1; static_cast<int>(near.size()) < m; ++d) {
      if (i - d >= 0) near.push_back(i - d);
      if (static_cast<int>(near.size()) < m && i + d < nb) near.push_back(i + d);
    }
    std::vector<double> a(static_cast<std::size_t>(m) * m), rhs(m);
    for (int p = 0; p < m; ++p) {
      rhs[p] = cov[static_cast<std::size_t>(near[p]) * nb + i];
      for (int q = 0; q < m; ++q)
        a[static_cast<std::size_t>(p) * m + q] = cov[static_cast<std::size_t>(near[p]) * nb + near[q]];
    }
    double rss = cov[static_cast<std::size_t>(i) * nb + i];
    try {
      const std::vector<double> w = solveSymmetric(a, rhs);
      for (int p = 0; p < m; ++p) rss -= w[p] * rhs[p];
    } catch (const Error&) {
      // Degenerate neighbours (e.g. duplicated bands): the band's own variance, an upper bound.
    }
    out.sigma[i] = std::sqrt(std::max(rss, 0.0) * n / (n - m - 1));
    noisePower += out.sigma[i] * out.sigma[i];
  }
  if (noisePower > 0) out.snrDb = 10.0 * std::log10(stats.meanSquare / (noisePower / nb));
  return out;
}

}  // namespace hsifuse
