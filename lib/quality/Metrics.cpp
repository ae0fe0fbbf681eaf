#include "lib/quality/Metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cfenv>
#include <cmath>
#include <vector>

#include "lib/core/Error.h"
#include "lib/spatial/SeparableFilter.h"

namespace hsifuse {
namespace {

constexpr double kRadToDeg = 180.0 / M_PI;

// nearbyint rounds ties to even under the default rounding mode, like torch.round.
double round255(float v) {
  return std::nearbyint(255.0 * v);
}

std::vector<double> bandMse(const Cube& g, const Cube& f) {
  std::vector<double> mse(g.bands, 0.0);
  const std::size_t n = g.planeSize();
  for (int b = 0; b < g.bands; ++b) {
    const float *x = g.band(b), *y = f.band(b);
    double s = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double d = double(x[i]) - y[i];
      s += d * d;
    }
    mse[b] = s / n;
  }
  return mse;
}

}  // namespace

double cubeMse(const Cube& g, const Cube& f) {
  requireSameShape(g, f);
  double s = 0;
  for (double m : bandMse(g, f)) s += m;
  return s / g.bands;
}

namespace {

std::vector<double> gaussianWindow11() {
  std::vector<double> w(11);
  double s = 0;
  for (int i = 0; i < 11; ++i) s += (w[i] = std::exp(-((i - 5) * (i - 5)) / (2 * 1.5 * 1.5)));
  for (double& v : w) v /= s;
  return w;
}

// The 11x11 Gaussian window (sigma 1.5) with zero padding, 'same' size.
std::vector<double> filterSame(const std::vector<double>& img, int rows, int cols) {
  static const std::vector<double> w = gaussianWindow11();
  return filterSeparable(img, rows, cols, w, w, 5, 5, FilterBorder::Zero);
}

// SSIM map of one band; `valid` keeps only pixels whose window lies inside the image.
// `excluded` (optional, rows * cols): positions left out of the mean (windows touching an invalid pixel).
std::pair<double, std::size_t> ssimBand(const float* x, const float* y, int rows, int cols, bool valid,
                                        const std::vector<std::uint8_t>* excluded = nullptr) {
  const double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
  const std::size_t n = static_cast<std::size_t>(rows) * cols;
  std::vector<double> a(x, x + n), b(y, y + n), aa(n), bb(n), ab(n);
  for (std::size_t i = 0; i < n; ++i) {
    aa[i] = a[i] * a[i];
    bb[i] = b[i] * b[i];
    ab[i] = a[i] * b[i];
  }
  auto ma = filterSame(a, rows, cols), mb = filterSame(b, rows, cols), saa = filterSame(aa, rows, cols),
       sbb = filterSame(bb, rows, cols), sab = filterSame(ab, rows, cols);
  double sum = 0;
  std::size_t count = 0;
  const int m = valid ? 5 : 0;
  for (int r = m; r < rows - m; ++r)
    for (int c = m; c < cols - m; ++c) {
      const std::size_t i = static_cast<std::size_t>(r) * cols + c;
      if (excluded && (*excluded)[i]) continue;
      const double va = saa[i] - ma[i] * ma[i], vb = sbb[i] - mb[i] * mb[i], cov = sab[i] - ma[i] * mb[i];
      sum += ((2 * ma[i] * mb[i] + c1) * (2 * cov + c2)) / ((ma[i] * ma[i] + mb[i] * mb[i] + c1) * (va + vb + c2));
      ++count;
    }
  return {sum, count};
}

}  // namespace

void requireSameShape(const Cube& g, const Cube& f) {
  if (g.bands != f.bands || g.rows != f.rows || g.cols != f.cols)
    throw InputError(fmt::format("the cubes differ in shape: {}x{}x{} against {}x{}x{} (bands x rows x cols)", g.bands,
                                 g.rows, g.cols, f.bands, f.rows, f.cols));
}

double rmse8(const Cube& g, const Cube& f) {
  requireSameShape(g, f);
  return 255.0 * std::sqrt(cubeMse(g, f));
}

double psnrUal(const Cube& g, const Cube& f) {
  requireSameShape(g, f);
  double s = 0;
  for (std::size_t i = 0; i < g.size(); ++i) {
    const double d = round255(g.data[i]) - round255(f.data[i]);
    s += d * d;
  }
  return 10.0 * std::log10(255.0 * 255.0 / (s / g.size() + 1e-12));
}

double psnrCube(const Cube& g, const Cube& f, double peak) {
  requireSameShape(g, f);
  return 10.0 * std::log10(peak * peak / cubeMse(g, f));
}

double psnrBandMean(const Cube& g, const Cube& f, double peak) {
  requireSameShape(g, f);
  double s = 0;
  for (double m : bandMse(g, f)) s += 10.0 * std::log10(peak * peak / m);
  return s / g.bands;
}

double psnrBandMax(const Cube& g, const Cube& f) {
  requireSameShape(g, f);
  auto mse = bandMse(g, f);
  double s = 0;
  for (int b = 0; b < g.bands; ++b) {
    const float* x = g.band(b);
    const double peak = *std::max_element(x, x + g.planeSize());
    s += 10.0 * std::log10(peak * peak / mse[b]);
  }
  return s / g.bands;
}

double samUal(const Cube& g, const Cube& f) {
  requireSameShape(g, f);
  const std::size_t n = g.planeSize();
  double total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double dot = 0, ng = 0, nf = 0;
    for (int b = 0; b < g.bands; ++b) {
      const double x = round255(g.band(b)[i]), y = round255(f.band(b)[i]);
      dot += x * y;
      ng += x * x;
      nf += y * y;
    }
    const double angle = std::acos(dot / (std::max(std::sqrt(ng), 1e-12) * std::max(std::sqrt(nf), 1e-12)));
    total += std::isnan(angle) ? 0.0 : angle;
  }
  return total / n * kRadToDeg;
}

double samDegrees(const Cube& g, const Cube& f) {
  requireSameShape(g, f);
  const std::size_t n = g.planeSize();
  double total = 0;
  std::size_t counted = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double dot = 0, ng = 0, nf = 0;
    for (int b = 0; b < g.bands; ++b) {
      const double x = g.band(b)[i], y = f.band(b)[i];
      dot += x * y;
      ng += x * x;
      nf += y * y;
    }
    const double den = std::sqrt(ng) * std::sqrt(nf);
    if (den == 0) continue;
    total += std::acos(std::clamp(dot / den, -1.0, 1.0));
    ++counted;
  }
  return counted ? total / counted * kRadToDeg : 0.0;
}

double ergas(const Cube& g, const Cube& f, double ratio) {
  requireSameShape(g, f);
  auto mse = bandMse(g, f);
  double s = 0;
  int used = 0;
  for (int b = 0; b < g.bands; ++b) {
    double mean = 0;
    const float* x = g.band(b);
    for (std::size_t i = 0; i < g.planeSize(); ++i) mean += x[i];
    mean /= g.planeSize();
    if (mean == 0) continue;
    s += mse[b] / (mean * mean);
    ++used;
  }
  return used ? 100.0 / ratio * std::sqrt(s / used) : NAN;
}

std::vector<double> ssimUalPerBand(const Cube& g, const Cube& f, const std::vector<std::uint8_t>& valid) {
  requireSameShape(g, f);
  const bool masked = !valid.empty() && !std::all_of(valid.begin(), valid.end(), [](std::uint8_t v) { return v != 0; });
  if (masked && valid.size() != g.planeSize()) throw Error("SSIM: the pixel mask does not match the cube");
  // Invalid pixels are zeroed in both cubes and every position whose 11x11 window reaches one is left out.
  std::vector<std::uint8_t> excluded;
  if (masked) {
    excluded.assign(g.planeSize(), 0);
    for (int r = 0; r < g.rows; ++r)
      for (int c = 0; c < g.cols; ++c) {
        if (valid[static_cast<std::size_t>(r) * g.cols + c]) continue;
        for (int rr = std::max(0, r - 5); rr <= std::min(g.rows - 1, r + 5); ++rr)
          for (int cc = std::max(0, c - 5); cc <= std::min(g.cols - 1, c + 5); ++cc)
            excluded[static_cast<std::size_t>(rr) * g.cols + cc] = 1;
      }
    if (std::all_of(excluded.begin(), excluded.end(), [](std::uint8_t v) { return v != 0; }))
      return std::vector<double>(g.bands, std::nan(""));
  }
  std::vector<double> perBand(g.bands);
#pragma omp parallel for schedule(dynamic)
  for (int k = 0; k < g.bands; ++k) {
    std::vector<float> a(g.band(k), g.band(k) + g.planeSize()), b(f.band(k), f.band(k) + g.planeSize());
    if (masked)
      for (std::size_t i = 0; i < a.size(); ++i)
        if (!valid[i]) a[i] = b[i] = 0.0f;
    auto [s, n] = ssimBand(a.data(), b.data(), g.rows, g.cols, false, masked ? &excluded : nullptr);
    perBand[k] = s / n;
  }
  return perBand;
}

double ssimUal(const Cube& g, const Cube& f, const std::vector<std::uint8_t>& valid) {
  // Every band averages the same positions, so the mean of the band means is the mean of the whole map.
  const std::vector<double> perBand = ssimUalPerBand(g, f, valid);
  double s = 0;
  for (double v : perBand) s += v;
  return s / perBand.size();
}

double ssimValid(const Cube& g, const Cube& f) {
  requireSameShape(g, f);
  if (g.rows < 11 || g.cols < 11) throw InputError("SSIM (valid) needs at least 11 x 11 pixels");
  double sum = 0;
  for (int b = 0; b < g.bands; ++b) {
    auto [s, n] = ssimBand(g.band(b), f.band(b), g.rows, g.cols, true);
    sum += s / n;
  }
  return sum / g.bands;
}

}  // namespace hsifuse
