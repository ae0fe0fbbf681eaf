#include "lib/ClassicalFusion.h"

#include <fmt/format.h>

#include <cmath>
#include <vector>

#include "lib/Degradation.h"
#include "lib/Error.h"
#include "lib/Resampling.h"

namespace hsifuse {
namespace {

double mean(const float* x, std::size_t n) {
  double s = 0;
  for (std::size_t i = 0; i < n; ++i) s += x[i];
  return s / n;
}

double correlation(const float* x, const float* y, std::size_t n) {
  const double mx = mean(x, n), my = mean(y, n);
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double a = x[i] - mx, b = y[i] - my;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : 0.0;
}

}  // namespace

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

namespace {

void requireScaledGrids(const Cube& lrHsi, const Cube& hrMsi, int s, const char* method) {
  if (hrMsi.rows != lrHsi.rows * s || hrMsi.cols != lrHsi.cols * s)
    throw InputError(fmt::format("{}: the MSI is {}x{} but the HSI times {} is {}x{}", method, hrMsi.rows, hrMsi.cols, s,
                                 lrHsi.rows * s, lrHsi.cols * s));
}

// Each HSI band joins the MSI band it correlates with best on the LR grid (the toolbox's grouping).
std::vector<std::vector<int>> bandGroups(const Cube& lrHsi, const Cube& msiLr) {
  std::vector<std::vector<int>> groups(msiLr.bands);
  for (int j = 0; j < lrHsi.bands; ++j) {
    int best = 0;
    double bestCorr = -2;
    for (int i = 0; i < msiLr.bands; ++i) {
      const double c = correlation(lrHsi.band(j), msiLr.band(i), lrHsi.planeSize());
      if (c > bestCorr) bestCorr = c, best = i;
    }
    groups[best].push_back(j);
  }
  return groups;
}

}  // namespace

Cube fuseGlpHs(const Cube& lrHsi, const Cube& hrMsi, int s, const BlurKernel& mtf) {
  requireScaledGrids(lrHsi, hrMsi, s, "GLP-HS");
  const std::size_t nh = hrMsi.planeSize();
  const Cube up = upsample(lrHsi, s, Interpolation::Bicubic);
  const std::vector<std::vector<int>> groups = bandGroups(lrHsi, blockMean(hrMsi, s));
  // The pans' low-pass: the MTF-matched blur, decimation and the same re-interpolation as the HSI's, so the
  // detail pan - low holds what the LR sensor cannot see.
  const Cube low = upsample(blurDownsample(hrMsi, mtf, s), s, Interpolation::Bicubic);
  Cube out(lrHsi.bands, hrMsi.rows, hrMsi.cols);
  for (int i = 0; i < hrMsi.bands; ++i) {
    const float *pan = hrMsi.band(i), *pl = low.band(i);
    const double lowMean = mean(pl, nh);
    double varL = 0;
    for (std::size_t p = 0; p < nh; ++p) varL += (pl[p] - lowMean) * (pl[p] - lowMean);
    for (int a : groups[i]) {
      const float* u = up.band(a);
      const double um = mean(u, nh);
      double cov = 0;
      for (std::size_t p = 0; p < nh; ++p) cov += (u[p] - um) * (pl[p] - lowMean);
      const double gain = varL > 0 ? cov / varL : 0.0;  // regression-based injection gain
      float* dst = out.band(a);
      for (std::size_t p = 0; p < nh; ++p) dst[p] = static_cast<float>(u[p] + gain * (pan[p] - pl[p]));
    }
  }
  return out;
}

Cube fuseGsa(const Cube& lrHsi, const Cube& hrMsi, int s) {
  requireScaledGrids(lrHsi, hrMsi, s, "GSA");
  const std::size_t nl = lrHsi.planeSize(), nh = hrMsi.planeSize();
  const Cube msiLr = blockMean(hrMsi, s);
  const Cube up = upsample(lrHsi, s, Interpolation::Bicubic);
  const std::vector<std::vector<int>> groups = bandGroups(lrHsi, msiLr);

  Cube out(lrHsi.bands, hrMsi.rows, hrMsi.cols);
  for (int i = 0; i < hrMsi.bands; ++i) {
    const auto& g = groups[i];
    if (g.empty()) continue;
    const std::size_t k = g.size();
    const double panMean = mean(hrMsi.band(i), nh), panLrMean = mean(msiLr.band(i), nl);
    std::vector<double> lrMean(k), hrMean(k);
    for (std::size_t a = 0; a < k; ++a) {
      lrMean[a] = mean(lrHsi.band(g[a]), nl);
      hrMean[a] = mean(up.band(g[a]), nh);
    }
    // pan_LR ~ sum_a alpha_a band_a,LR + alpha_0, on mean-removed data (normal equations).
    const std::size_t n = k + 1;
    std::vector<double> ata(n * n, 0.0), atb(n, 0.0), row(n);
    for (std::size_t p = 0; p < nl; ++p) {
      for (std::size_t a = 0; a < k; ++a) row[a] = lrHsi.band(g[a])[p] - lrMean[a];
      row[k] = 1.0;
      const double target = msiLr.band(i)[p] - panLrMean;
      for (std::size_t a = 0; a < n; ++a) {
        atb[a] += row[a] * target;
        for (std::size_t c = 0; c <= a; ++c) ata[a * n + c] += row[a] * row[c];
      }
    }
    for (std::size_t a = 0; a < n; ++a)
      for (std::size_t c = a + 1; c < n; ++c) ata[a * n + c] = ata[c * n + a];
    const std::vector<double> alpha = solveSymmetric(ata, atb);

    // Synthetic intensity on the HR grid, its zero-mean version, and the detail to inject.
    std::vector<double> intensity(nh, alpha[k]);
    for (std::size_t a = 0; a < k; ++a) {
      const float* u = up.band(g[a]);
      for (std::size_t p = 0; p < nh; ++p) intensity[p] += alpha[a] * (u[p] - hrMean[a]);
    }
    double im = 0;
    for (double v : intensity) im += v;
    im /= nh;
    double varI = 0;
    std::vector<double> detail(nh);
    for (std::size_t p = 0; p < nh; ++p) {
      intensity[p] -= im;
      varI += intensity[p] * intensity[p];
      detail[p] = (hrMsi.band(i)[p] - panMean) - intensity[p];
    }
    varI /= nh;
    for (std::size_t a = 0; a < k; ++a) {
      const float* u = up.band(g[a]);
      double cov = 0;
      for (std::size_t p = 0; p < nh; ++p) cov += intensity[p] * (u[p] - hrMean[a]);
      cov /= nh;
      const double gain = varI > 0 ? cov / varI : 0.0;
      float* dst = out.band(g[a]);
      for (std::size_t p = 0; p < nh; ++p) dst[p] = static_cast<float>(u[p] + gain * detail[p]);
    }
  }
  return out;
}

}  // namespace hsifuse
