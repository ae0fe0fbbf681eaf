#include "lib/fusion/ClassicalFusion.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "lib/core/Error.h"
#include "lib/numeric/LinearSolve.h"
#include "lib/numeric/SymmetricEigen.h"
#include "lib/spatial/Degradation.h"
#include "lib/spatial/Resampling.h"
#include "lib/spectral/SignalSubspace.h"

namespace hsifuse {
namespace {

double planeSum(const float* x, std::size_t n) {
  double acc = 0;
#pragma omp simd reduction(+ : acc)
  for (std::size_t i = 0; i < n; ++i) acc += x[i];
  return acc;
}

double mean(const float* x, std::size_t n) {
  return planeSum(x, n) / n;
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

namespace {

void requireScaledGrids(const Cube& lrHsi, const Cube& hrMsi, int s, const char* method) {
  if (hrMsi.rows != lrHsi.rows * s || hrMsi.cols != lrHsi.cols * s)
    throw InputError(fmt::format("{}: the MSI is {}x{} but the HSI times {} is {}x{}", method, hrMsi.rows, hrMsi.cols,
                                 s, lrHsi.rows * s, lrHsi.cols * s));
}

// Each HSI band joins the MSI band it correlates with best on the LR grid (the toolbox's grouping), among the bands
// flagged in `detail` (all when it is empty or flags none).
std::vector<std::vector<int>> bandGroups(const Cube& lrHsi, const Cube& msiLr, const std::vector<bool>& detail) {
  if (!detail.empty() && detail.size() != static_cast<std::size_t>(msiLr.bands))
    throw Error("classical fusion: one detail flag per MSI band expected");
  const bool anyDetail = std::find(detail.begin(), detail.end(), true) != detail.end();
  std::vector<std::vector<int>> groups(msiLr.bands);
  for (int j = 0; j < lrHsi.bands; ++j) {
    int best = 0;
    double bestCorr = -2;
    for (int i = 0; i < msiLr.bands; ++i) {
      if (anyDetail && !detail[i]) continue;
      const double c = correlation(lrHsi.band(j), msiLr.band(i), lrHsi.planeSize());
      if (c > bestCorr) bestCorr = c, best = i;
    }
    groups[best].push_back(j);
  }
  return groups;
}

}  // namespace

ClassicalFusion::Method ClassicalFusion::parseMethod(const std::string& name, const std::string& option) {
  if (name == "bicubic") return Method::Bicubic;
  if (name == "gsa") return Method::Gsa;
  if (name == "glp-hs") return Method::GlpHs;
  if (name == "glp-reg") return Method::GlpReg;
  throw InputError(fmt::format("{}: '{}' is not bicubic, gsa, glp-hs or glp-reg", option, name));
}

namespace {

// HR strips of about 8 M values (all bands), the unit of the fitting pass over the HR grid.
template <typename Fn>
void forEachHrStrip(int rows, int cols, int bands, Fn&& fn) {
  const int height = std::max(1, static_cast<int>(8'000'000 / (static_cast<double>(cols) * std::max(bands, 1))));
  for (int r = 0; r < rows; r += height) fn(Window{0, r, cols, std::min(height, rows - r)});
}

double planeDot(const float* x, const float* y, std::size_t n) {
  double acc = 0;
#pragma omp simd reduction(+ : acc)
  for (std::size_t i = 0; i < n; ++i) acc += double(x[i]) * y[i];
  return acc;
}

// `c` less its own reduction by s through `kernel` and the bicubic re-interpolation, over the part of its grid that
// holds whole reduced pixels: the detail the next coarser scale would lose, as the LR grid lost the HR grid's.
Cube detailBelow(const Cube& c, const BlurKernel& kernel, int s) {
  Cube detail = c.crop({0, 0, (c.cols / s) * s, (c.rows / s) * s});
  const Cube smooth = upsample(blurDownsample(detail, kernel, s), s, Interpolation::Bicubic);
  for (std::size_t i = 0; i < detail.data.size(); ++i) detail.data[i] -= smooth.data[i];
  return detail;
}

}  // namespace

ClassicalFusion::ClassicalFusion(Method method, const Cube& lrHsi, const Cube& hrMsi, int scale, BlurKernel mtf,
                                 const std::vector<bool>& detailBands)
    : ClassicalFusion(method, lrHsi, hrMsi, WindowSource::ofCube(lrHsi), WindowSource::ofCube(hrMsi), scale,
                      std::move(mtf), detailBands) {}

ClassicalFusion::ClassicalFusion(Method method, const Cube& fitLr, const Cube& fitMsi, WindowSource lr,
                                 WindowSource msi, int scale, BlurKernel mtf, const std::vector<bool>& detailBands)
    : method_(method), lr_(std::move(lr)), msi_(std::move(msi)), s_(scale), mtf_(std::move(mtf)) {
  if (scale < 1) throw InputError("the scale must be at least 1");
  if (method == Method::Bicubic) return;
  const char* name = method == Method::Gsa ? "GSA" : method == Method::GlpHs ? "GLP-HS" : "GLP-REG";
  requireScaledGrids(fitLr, fitMsi, scale, name);
  if (msi_.rows != lr_.rows * scale || msi_.cols != lr_.cols * scale || lr_.bands != fitLr.bands ||
      msi_.bands != fitMsi.bands)
    throw InputError(fmt::format("{}: the scene's windows do not match the cubes it is fitted on", name));
  const bool kernelKnown = !mtf_.w.empty();
  if (!kernelKnown) mtf_ = mtfGaussian(scale);
  if (method == Method::GlpReg) {
    // The LR HSI on its signal subspace, for the fit and for every window read (lib/spectral/SignalSubspace.h).
    const SignalSubspace subspace = estimateSignalSubspace(fitLr);
    signalRank_ = subspace.rank;
    if (subspace.rank > 0)
      lr_.read = [read = std::move(lr_.read), subspace](const Window& w) { return subspace.project(read(w)); };
    fitGlpReg(subspace.project(fitLr), fitMsi, detailBands, kernelKnown);
    return;
  }
  const std::vector<std::vector<int>> groups = bandGroups(fitLr, blockMean(fitMsi, scale), detailBands);
  for (const auto& g : groups) {
    Group group;
    group.bands = g;
    groups_.push_back(group);
  }
  if (method == Method::Gsa)
    fitGsa(fitLr, fitMsi);
  else
    fitGlpHs(fitLr, fitMsi);
}

void ClassicalFusion::fitGsa(const Cube& lr, const Cube& msi) {
  const std::size_t nl = lr.planeSize(), nh = msi.planeSize();
  const Cube msiLr = blockMean(msi, s_);
  for (std::size_t i = 0; i < groups_.size(); ++i) {
    Group& grp = groups_[i];
    const auto& g = grp.bands;
    if (g.empty()) continue;
    const std::size_t k = g.size();
    const double panLrMean = mean(msiLr.band(i), nl);
    std::vector<double> lrMean(k);
    for (std::size_t a = 0; a < k; ++a) lrMean[a] = mean(lr.band(g[a]), nl);
    // pan_LR ~ sum_a alpha_a band_a,LR + alpha_0, on mean-removed data (normal equations).
    const std::size_t n = k + 1;
    std::vector<double> ata(n * n, 0.0), atb(n, 0.0), row(n);
    for (std::size_t p = 0; p < nl; ++p) {
      for (std::size_t a = 0; a < k; ++a) row[a] = lr.band(g[a])[p] - lrMean[a];
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
    grp.alpha.assign(alpha.begin(), alpha.begin() + k);  // the constant drops out once the intensity is centred
    grp.panMean = mean(msi.band(i), nh);
  }
  // The HR statistics of the upsampled bands, strip by strip: means and, within each group, the covariance C.
  // The centred intensity is I = sum_a alpha_a (up_a - mean_a), so var(I) = alpha' C alpha and
  // cov(I, up_a) = (C alpha)_a: the gains need C, not the HR intensity itself.
  std::vector<std::vector<double>> sums(groups_.size()), gram(groups_.size());
  for (std::size_t i = 0; i < groups_.size(); ++i) {
    const std::size_t k = groups_[i].bands.size();
    sums[i].assign(k, 0.0);
    gram[i].assign(k * k, 0.0);
  }
  forEachHrStrip(msi.rows, msi.cols, lr.bands, [&](const Window& strip) {
    const Cube up = upsampleWindow(lr, s_, Interpolation::Bicubic, strip);
    const std::size_t np = up.planeSize();
    for (std::size_t i = 0; i < groups_.size(); ++i) {
      const auto& g = groups_[i].bands;
      const int k = static_cast<int>(g.size());
      for (int a = 0; a < k; ++a) sums[i][a] += planeSum(up.band(g[a]), np);
#pragma omp parallel for schedule(dynamic)
      for (int a = 0; a < k; ++a)
        for (int c = 0; c <= a; ++c) gram[i][a * k + c] += planeDot(up.band(g[a]), up.band(g[c]), np);
    }
  });
  for (std::size_t i = 0; i < groups_.size(); ++i) {
    Group& grp = groups_[i];
    const std::size_t k = grp.bands.size();
    grp.upMean.resize(k);
    for (std::size_t a = 0; a < k; ++a) grp.upMean[a] = sums[i][a] / nh;
    std::vector<double> cAlpha(k, 0.0);
    for (std::size_t a = 0; a < k; ++a)
      for (std::size_t c = 0; c < k; ++c) {
        const double m2 = gram[i][std::max(a, c) * k + std::min(a, c)] / nh;
        cAlpha[a] += (m2 - grp.upMean[a] * grp.upMean[c]) * grp.alpha[c];
      }
    double varI = 0;
    for (std::size_t a = 0; a < k; ++a) varI += grp.alpha[a] * cAlpha[a];
    grp.gain.resize(k);
    for (std::size_t a = 0; a < k; ++a) grp.gain[a] = varI > 0 ? cAlpha[a] / varI : 0.0;
  }
}

void ClassicalFusion::fitGlpHs(const Cube& lr, const Cube& msi) {
  // The pans' low-pass: the MTF-matched blur, decimation and the same re-interpolation as the HSI's, so the
  // detail pan - low holds what the LR sensor cannot see.
  const Cube lowLr = blurDownsample(msi, mtf_, s_);
  // Regression-based injection gains g_a = cov(up_a, low) / var(low) over the HR grid, strip by strip.
  const std::size_t nh = msi.planeSize();
  std::vector<double> lowSum(groups_.size(), 0.0), lowSq(groups_.size(), 0.0);
  std::vector<std::vector<double>> upSum(groups_.size()), cross(groups_.size());
  for (std::size_t i = 0; i < groups_.size(); ++i) {
    upSum[i].assign(groups_[i].bands.size(), 0.0);
    cross[i].assign(groups_[i].bands.size(), 0.0);
  }
  forEachHrStrip(msi.rows, msi.cols, lr.bands, [&](const Window& strip) {
    const Cube up = upsampleWindow(lr, s_, Interpolation::Bicubic, strip);
    const Cube low = upsampleWindow(lowLr, s_, Interpolation::Bicubic, strip);
    const std::size_t np = up.planeSize();
    for (std::size_t i = 0; i < groups_.size(); ++i) {
      const auto& g = groups_[i].bands;
      if (g.empty()) continue;
      lowSum[i] += planeSum(low.band(i), np);
      lowSq[i] += planeDot(low.band(i), low.band(i), np);
      for (std::size_t a = 0; a < g.size(); ++a) {
        upSum[i][a] += planeSum(up.band(g[a]), np);
        cross[i][a] += planeDot(up.band(g[a]), low.band(i), np);
      }
    }
  });
  for (std::size_t i = 0; i < groups_.size(); ++i) {
    Group& grp = groups_[i];
    const double lowMean = lowSum[i] / nh, varL = lowSq[i] / nh - lowMean * lowMean;
    for (std::size_t a = 0; a < grp.bands.size(); ++a) {
      const double cov = cross[i][a] / nh - upSum[i][a] / nh * lowMean;
      grp.gain.push_back(varL > 0 ? cov / varL : 0.0);
    }
  }
}

void ClassicalFusion::fitGlpReg(const Cube& lrHsi, const Cube& msi, const std::vector<bool>& detail, bool kernelKnown) {
  if (!detail.empty() && detail.size() != static_cast<std::size_t>(msi.bands))
    throw Error("classical fusion: one detail flag per MSI band expected");
  const bool anyDetail = std::find(detail.begin(), detail.end(), true) != detail.end();
  for (int i = 0; i < msi.bands; ++i)
    if (!anyDetail || detail[i]) regressors_.push_back(i);
  // The regression runs where the HSI band is observed, on the LR grid: the MSI through the scene's kernel and
  // decimated (the LR sensor's view of it), centred, so the intercept drops out. It runs on the finest detail that
  // grid holds, not on its levels: both less their own reduction by s through the same kernel (Wald's scale
  // invariance, one scale down), since the weights only ever multiply detail. Where the scene's coarse variation
  // (relief, water vapour over the absorption bands) ties a band to the MSI otherwise than its fine texture does,
  // the levels' weights inject the wrong detail: native Cuprite at 35 dB, 41.64 dB on levels, 43.90 on detail
  // (bench/RESULTS.md, session 17). A grid under 2 x 2 reduced pixels keeps the levels, and so does a fit without the
  // LR sensor's kernel (estimated or given): the finest LR detail is where an assumed MTF and the true blur differ
  // most, and the weights take the ratio of the two (plain GLP-REG with the MTF-matched Gaussian on the HypSen 30 dB
  // slice: -0.83 dB on detail against levels, where the grid's kernels are not that Gaussian).
  const bool onDetail = kernelKnown && lrHsi.rows / s_ >= 2 && lrHsi.cols / s_ >= 2;
  const Cube msiLr = blurDownsample(msi, mtf_, s_);
  const Cube lr = onDetail ? detailBelow(lrHsi, mtf_, s_) : lrHsi;
  const Cube low = onDetail ? detailBelow(msiLr, mtf_, s_) : msiLr;
  const std::size_t n = lr.planeSize();
  const int m = static_cast<int>(regressors_.size());
  std::vector<std::vector<double>> centred(m, std::vector<double>(n));
  for (int j = 0; j < m; ++j) {
    const float* l = low.band(regressors_[j]);
    const double mu = mean(l, n);
    for (std::size_t p = 0; p < n; ++p) centred[j][p] = l[p] - mu;
  }
  std::vector<double> gram(static_cast<std::size_t>(m) * m);
  for (int a = 0; a < m; ++a)
    for (int c = 0; c <= a; ++c) {
      double acc = 0;
      for (std::size_t p = 0; p < n; ++p) acc += centred[a][p] * centred[c][p];
      gram[a * m + c] = gram[c * m + a] = acc;
    }
  // Ridge regression through the Gram matrix's eigenbasis, shrunk towards GLP-HS's answer (the one MSI band that
  // correlates best, with its least-squares gain) rather than towards no detail: with few LR pixels the fit falls
  // back on GLP-HS, not on bicubic upsampling. For a ridge l the weights are b0 + V diag(1 / (e + l)) V' A'r with
  // r = y - A b0, the residual |r|^2 - sum t_i^2 (e_i + 2 l) / (e_i + l)^2 with t = V' A'r, so each band's ridge is
  // chosen by generalised cross-validation (n |res|^2 / (n - 2 - df)^2, df = sum e / (e + l); the mean and GLP-HS's
  // gain are fitted too) at the cost of a few sums: the MSI bands are nearly collinear, and on a small scene a band's
  // noise would otherwise be fitted.
  const SymmetricEigen eig = symmetricEigen(gram, m);
  std::vector<double> e(m);
  double trace = 0;
  for (int i = 0; i < m; ++i) trace += e[i] = std::max(0.0, eig.values[i]);
  const double unit = trace > 0 ? trace / m : 1.0;
  panWeights_.assign(static_cast<std::size_t>(lr.bands) * m, 0.0);
  std::vector<double> aty(m), t(m), start(m), res(n);
  for (int k = 0; k < lr.bands; ++k) {
    const float* y = lr.band(k);
    const double mu = mean(y, n);
    std::fill(aty.begin(), aty.end(), 0.0);
    double yy = 0;
    for (std::size_t p = 0; p < n; ++p) {
      res[p] = y[p] - mu;
      yy += res[p] * res[p];
      for (int j = 0; j < m; ++j) aty[j] += centred[j][p] * res[p];
    }
    // GLP-HS's weights: the best-correlated band alone.
    std::fill(start.begin(), start.end(), 0.0);
    int best = -1;
    double bestCorr = 0;
    for (int j = 0; j < m; ++j) {
      const double g = gram[j * m + j];
      const double c = g > 0 && yy > 0 ? aty[j] / std::sqrt(g * yy) : 0.0;
      if (std::fabs(c) > bestCorr) bestCorr = std::fabs(c), best = j;
    }
    if (best >= 0) {
      start[best] = aty[best] / gram[best * m + best];
      for (std::size_t p = 0; p < n; ++p) res[p] -= start[best] * centred[best][p];
      // A'r = A'y - G b0
      for (int j = 0; j < m; ++j) aty[j] -= gram[j * m + best] * start[best];
    }
    double rr0 = 0;
    for (std::size_t p = 0; p < n; ++p) rr0 += res[p] * res[p];
    for (int i = 0; i < m; ++i) {
      t[i] = 0;
      for (int j = 0; j < m; ++j) t[i] += eig.vectors[j * m + i] * aty[j];
    }
    // An infinite ridge (GLP-HS's weights alone) is a candidate too; a fit spending more than a quarter of the LR
    // pixels left on its effective parameters is not (GCV's known failure near interpolation: its denominator vanishes;
    // at a half, 16 LR pixels still fitted noise: test GlpReg.FallsBackOnGlpHsWithFewPixels).
    const double spare = static_cast<double>(n) - 2;
    double bestGcv = spare > 0 ? n * rr0 / (spare * spare) : HUGE_VAL, bestRidge = -1;
    for (int step = 0; step <= 20; ++step) {
      const double ridge = unit * std::pow(10.0, -8.0 + 0.5 * step);
      double rr = rr0, df = 0;
      for (int i = 0; i < m; ++i) {
        rr -= t[i] * t[i] * (e[i] + 2 * ridge) / ((e[i] + ridge) * (e[i] + ridge));
        df += e[i] / (e[i] + ridge);
      }
      if (df > spare / 4) continue;
      const double dof = spare - df;
      const double gcv = n * std::max(rr, 0.0) / (dof * dof);
      if (gcv < bestGcv) bestGcv = gcv, bestRidge = ridge;
    }
    for (int j = 0; j < m; ++j) {
      double w = start[j];
      if (bestRidge > 0)
        for (int i = 0; i < m; ++i) w += eig.vectors[j * m + i] * t[i] / (e[i] + bestRidge);
      panWeights_[static_cast<std::size_t>(k) * m + j] = w;
    }
  }
}

Cube ClassicalFusion::window(const Window& hr) const {
  Cube out = upsampleWindow(lr_, s_, Interpolation::Bicubic, hr);
  if (method_ == Method::Bicubic) return out;
  const Cube pan = msi_.read(hr);
  const Cube low = method_ == Method::Gsa ? Cube() : lowPassWindow(hr);
  const std::size_t np = out.planeSize();
  std::vector<double> detail(np);
  if (method_ == Method::GlpReg) {
    const int m = static_cast<int>(regressors_.size());
    for (int j = 0; j < m; ++j) {
      const float *x = pan.band(regressors_[j]), *l = low.band(regressors_[j]);
      for (std::size_t p = 0; p < np; ++p) detail[p] = double(x[p]) - l[p];
#pragma omp parallel for schedule(static)
      for (int k = 0; k < out.bands; ++k) {
        const double w = panWeights_[static_cast<std::size_t>(k) * m + j];
        float* u = out.band(k);
        for (std::size_t p = 0; p < np; ++p) u[p] = static_cast<float>(u[p] + w * detail[p]);
      }
    }
    return out;
  }
  for (std::size_t i = 0; i < groups_.size(); ++i) {
    const Group& grp = groups_[i];
    if (grp.bands.empty()) continue;
    const float* x = pan.band(i);
    if (method_ == Method::Gsa) {
      // detail = (pan - mean pan) - centred intensity
      for (std::size_t p = 0; p < np; ++p) detail[p] = x[p] - grp.panMean;
      for (std::size_t a = 0; a < grp.bands.size(); ++a) {
        const float* u = out.band(grp.bands[a]);
        const double al = grp.alpha[a], m = grp.upMean[a];
        for (std::size_t p = 0; p < np; ++p) detail[p] -= al * (u[p] - m);
      }
    } else {
      const float* l = low.band(i);
      for (std::size_t p = 0; p < np; ++p) detail[p] = double(x[p]) - l[p];
    }
    for (std::size_t a = 0; a < grp.bands.size(); ++a) {
      float* u = out.band(grp.bands[a]);
      const double gain = grp.gain[a];
      for (std::size_t p = 0; p < np; ++p) u[p] = static_cast<float>(u[p] + gain * detail[p]);
    }
  }
  return out;
}

Cube ClassicalFusion::lowPassWindow(const Window& hr) const {
  // The LR pixels the bicubic re-interpolation of `hr` reads (upsampleWindow's context), low-passed from the MSI
  // pixels under them: the window of blurDownsample(whole MSI) without holding it.
  const Window context = upsamplingContext(lr_.rows, lr_.cols, s_, hr);
  const Cube lowLr = blurDownsampleWindow(msi_, mtf_, s_, context);
  return upsampleWindow(lowLr, s_, Interpolation::Bicubic,
                        {hr.col - context.col * s_, hr.row - context.row * s_, hr.width, hr.height});
}

Cube fuseGlpHs(const Cube& lrHsi, const Cube& hrMsi, int s, const BlurKernel& mtf) {
  const ClassicalFusion f(ClassicalFusion::Method::GlpHs, lrHsi, hrMsi, s, mtf);
  return f.window({0, 0, f.cols(), f.rows()});
}

Cube fuseGlpReg(const Cube& lrHsi, const Cube& hrMsi, int s, const BlurKernel& mtf) {
  const ClassicalFusion f(ClassicalFusion::Method::GlpReg, lrHsi, hrMsi, s, mtf);
  return f.window({0, 0, f.cols(), f.rows()});
}

Cube fuseGsa(const Cube& lrHsi, const Cube& hrMsi, int s) {
  const ClassicalFusion f(ClassicalFusion::Method::Gsa, lrHsi, hrMsi, s);
  return f.window({0, 0, f.cols(), f.rows()});
}

}  // namespace hsifuse
