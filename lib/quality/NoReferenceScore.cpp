#include "lib/quality/NoReferenceScore.h"

#include <fmt/format.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "lib/core/Error.h"
#include "lib/numeric/Fft.h"
#include "lib/numeric/SymmetricEigen.h"
#include "lib/quality/DistributionFit.h"
#include "lib/spatial/SeparableFilter.h"

namespace hsifuse {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kFeatureCap = 10000;  // IL-NIQE's infConst
constexpr int kSpectral = 6, kMscn = 18, kMaps = 24;

using Plane = std::vector<double>;

std::vector<double> gaussianTaps(int length, double sigma, double centre) {
  std::vector<double> w(length);
  double s = 0;
  for (int i = 0; i < length; ++i) s += (w[i] = std::exp(-(i - centre) * (i - centre) / (2 * sigma * sigma)));
  for (double& v : w) v /= s;
  return w;
}

// Separable correlation, 'same' size (lib/spatial/SeparableFilter.h).
Plane filterSeparable(const Plane& img, int rows, int cols, const std::vector<double>& vertical,
                      const std::vector<double>& horizontal, int vFirst, int hFirst, bool replicate) {
  return hsifuse::filterSeparable(img, rows, cols, vertical, horizontal, vFirst, hFirst,
                                  replicate ? FilterBorder::Replicate : FilterBorder::Zero);
}

// One scale of the pyramid: the cube (x255, kept bands only) and its panchromatic image.
struct ScaleImage {
  int bands = 0, rows = 0, cols = 0;
  std::vector<float> cube;  // band-major, x255 (float: a HypSen-size scene is 380 MB as float, twice that as double)
  Plane pan;
  int level = 1;  // 1 or 2
  const float* band(int b) const { return &cube[static_cast<std::size_t>(b) * rows * cols]; }
};

ScaleImage halfScale(const ScaleImage& s, const std::vector<double>& weights) {
  // 6x6 Gaussian (sigma 0.9) centred between the two pixels each output pixel covers, then every 2nd sample.
  const std::vector<double> taps = gaussianTaps(6, 0.9, 2.5);
  ScaleImage h;
  h.bands = s.bands;
  h.rows = s.rows / 2;
  h.cols = s.cols / 2;
  h.level = 2;
  h.cube.resize(static_cast<std::size_t>(h.bands) * h.rows * h.cols);
  const std::size_t plane = static_cast<std::size_t>(s.rows) * s.cols;
  for (int b = 0; b < s.bands; ++b) {
    Plane in(s.band(b), s.band(b) + plane);
    const Plane f = filterSeparable(in, s.rows, s.cols, taps, taps, 2, 2, true);
    for (int r = 0; r < h.rows; ++r)
      for (int c = 0; c < h.cols; ++c)
        h.cube[(static_cast<std::size_t>(b) * h.rows + r) * h.cols + c] =
            static_cast<float>(f[static_cast<std::size_t>(2 * r) * s.cols + 2 * c]);
  }
  h.pan.assign(static_cast<std::size_t>(h.rows) * h.cols, 0.0);
  for (int b = 0; b < h.bands; ++b)
    for (std::size_t i = 0; i < h.pan.size(); ++i) h.pan[i] += weights[b] * h.cube[b * h.pan.size() + i];
  return h;
}

double capped(double v) {
  return std::isnan(v) ? v : std::min(v, kFeatureCap);
}

std::vector<double> blockValues(const Plane& p, int cols, int r0, int c0, int size) {
  std::vector<double> v;
  v.reserve(static_cast<std::size_t>(size) * size);
  for (int r = r0; r < r0 + size; ++r)
    for (int c = c0; c < c0 + size; ++c) v.push_back(p[static_cast<std::size_t>(r) * cols + c]);
  return v;
}

// Spectral features of one block: spectra normalised along wavelength by a 7-tap Gaussian (sigma 7/6,
// replicate padding), GGD of the normalised values, AGGD of the products of neighbouring bands.
void spectralFeatures(const ScaleImage& s, int r0, int c0, int size, double* out) {
  static const std::vector<double> w = gaussianTaps(7, 7.0 / 6.0, 3);
  const int L = s.bands;
  std::vector<double> values, products, spectrum(L), normalised(L);
  values.reserve(static_cast<std::size_t>(size) * size * L);
  products.reserve(static_cast<std::size_t>(size) * size * std::max(0, L - 1));
  const std::size_t plane = static_cast<std::size_t>(s.rows) * s.cols;
  for (int r = r0; r < r0 + size; ++r)
    for (int c = c0; c < c0 + size; ++c) {
      const std::size_t px = static_cast<std::size_t>(r) * s.cols + c;
      for (int l = 0; l < L; ++l) spectrum[l] = s.cube[l * plane + px];
      for (int l = 0; l < L; ++l) {
        double mu = 0, sq = 0;
        for (int k = 0; k < 7; ++k) {
          const double v = spectrum[std::clamp(l + k - 3, 0, L - 1)];
          mu += w[k] * v;
          sq += w[k] * v * v;
        }
        normalised[l] = (spectrum[l] - mu) / (std::sqrt(std::fabs(sq - mu * mu)) + 1);
        values.push_back(normalised[l]);
        if (l > 0) products.push_back(normalised[l - 1] * normalised[l]);
      }
    }
  const GgdFit g = fitGgd(values);
  const AggdFit a = fitAggd(products);
  const double f[kSpectral] = {g.alpha, g.beta, a.alpha, a.mean, a.betaLeft, a.betaRight};
  std::copy(f, f + kSpectral, out);
}

// IL-NIQE's logGabors(): frequency grids of its xrange/yrange (odd and even sizes), ifftshifted.
std::vector<Plane> logGaborBank(int rows, int cols, int level) {
  const int nScale = 3, nOrient = 4;
  const double minWave = 2.4 / std::pow(level, 0.87), mult = 1.31, sigmaOnf = 0.55, dThetaOnSigma = 1.10;
  const double thetaSigma = M_PI / nOrient / dThetaOnSigma;
  auto freq = [](int k, int n) {
    const int shifted = (k + n / 2) % n;  // ifftshift: entry k holds range[(k + n/2) mod n]
    return n % 2 ? (shifted - (n - 1) / 2.0) / (n - 1) : (shifted - n / 2.0) / n;
  };
  const std::size_t size = static_cast<std::size_t>(rows) * cols;
  Plane radius(size), theta(size), lowpass(size);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      const double x = freq(c, cols), y = freq(r, rows);
      const std::size_t i = static_cast<std::size_t>(r) * cols + c;
      radius[i] = std::sqrt(x * x + y * y);
      theta[i] = std::atan2(-y, x);
      lowpass[i] = 1 / (1 + std::pow(radius[i] / 0.45, 2 * 15));
    }
  radius[0] = 1;
  std::vector<Plane> bank;
  for (int s = 0; s < nScale; ++s) {
    const double f0 = 1 / (minWave * std::pow(mult, s));
    Plane radial(size);
    for (std::size_t i = 0; i < size; ++i) {
      const double l = std::log(radius[i] / f0);
      radial[i] = std::exp(-(l * l) / (2 * std::log(sigmaOnf) * std::log(sigmaOnf))) * lowpass[i];
    }
    radial[0] = 0;
    for (int o = 0; o < nOrient; ++o) {
      const double angle = o * M_PI / nOrient;
      Plane filter(size);
      for (std::size_t i = 0; i < size; ++i) {
        const double ds = std::sin(theta[i]) * std::cos(angle) - std::cos(theta[i]) * std::sin(angle);
        const double dc = std::cos(theta[i]) * std::cos(angle) + std::sin(theta[i]) * std::sin(angle);
        const double dtheta = std::fabs(std::atan2(ds, dc));
        filter[i] = radial[i] * std::exp(-(dtheta * dtheta) / (2 * thetaSigma * thetaSigma));
      }
      bank.push_back(std::move(filter));
    }
  }
  return bank;
}

// The features of one scale for every block, written at `offset` of each row.
void scaleFeatures(const ScaleImage& s, const std::vector<Window>& blocks, const NrFeatureOptions& o, int offset,
                   NrFeatures& out) {
  const int size = o.blockSize / s.level;
  auto row = [&](std::size_t k) { return &out.rows[k * out.dims + offset]; };
  auto origin = [&](const Window& w) { return std::pair<int, int>{w.row / s.level, w.col / s.level}; };

#pragma omp parallel for schedule(dynamic)
  for (std::size_t k = 0; k < blocks.size(); ++k) {
    auto [r0, c0] = origin(blocks[k]);
    spectralFeatures(s, r0, c0, size, row(k));
  }

  // MSCN of the panchromatic image (7x7 Gaussian, sigma 7/6, replicate borders).
  const std::vector<double> g7 = gaussianTaps(7, 7.0 / 6.0, 3);
  const Plane mu = filterSeparable(s.pan, s.rows, s.cols, g7, g7, 3, 3, true);
  Plane sq(s.pan.size());
  for (std::size_t i = 0; i < sq.size(); ++i) sq[i] = s.pan[i] * s.pan[i];
  const Plane musq = filterSeparable(sq, s.rows, s.cols, g7, g7, 3, 3, true);
  Plane mscn(s.pan.size());
  for (std::size_t i = 0; i < mscn.size(); ++i)
    mscn[i] = (s.pan[i] - mu[i]) / (std::sqrt(std::fabs(musq[i] - mu[i] * mu[i])) + 1);
  const int shifts[4][2] = {{0, 1}, {1, 0}, {1, 1}, {1, -1}};
#pragma omp parallel for schedule(dynamic)
  for (std::size_t k = 0; k < blocks.size(); ++k) {
    auto [r0, c0] = origin(blocks[k]);
    const std::vector<double> v = blockValues(mscn, s.cols, r0, c0, size);
    double* f = row(k) + kSpectral;
    const AggdFit a = fitAggd(v);
    f[0] = a.alpha;
    f[1] = (a.betaLeft + a.betaRight) / 2;
    for (int t = 0; t < 4; ++t) {
      std::vector<double> prod(v.size());
      for (int r = 0; r < size; ++r)
        for (int c = 0; c < size; ++c)
          prod[r * size + c] =
              v[r * size + c] * v[((r + shifts[t][0]) % size) * size + (c + shifts[t][1] + size) % size];
      const AggdFit p = fitAggd(prod);
      f[2 + 4 * t] = p.alpha;
      f[3 + 4 * t] = p.mean;
      f[4 + 4 * t] = p.betaLeft;
      f[5 + 4 * t] = p.betaRight;
    }
  }

  // Log-Gabor responses, their Gaussian-derivative gradients and gradient magnitudes.
  // The pan image is centred in a mirrored extension with at least kFftMargin pixels on each side (to a fast
  // FFT length), so the periodic wrap the transform implies lies that far from it instead of at its borders
  // (IL-NIQE filters the plain image; on our small scenes the wrap-around edge reached every block). The
  // log-Gabor wavelengths are at most 4.1 pixels, so 32 pixels of margin hold their support.
  constexpr int kFftMargin = 32;
  auto paddedSize = [](int n) { return fastFftSize(n + 2 * kFftMargin); };
  const int pr = paddedSize(s.rows), pc = paddedSize(s.cols), orr = (pr - s.rows) / 2, oc = (pc - s.cols) / 2;
  auto mirror = [](int i, int n) {
    const int period = 2 * n;
    i = ((i % period) + period) % period;
    return i < n ? i : period - 1 - i;
  };
  ComplexPlane spectrum(static_cast<std::size_t>(pr) * pc);
  for (int r = 0; r < pr; ++r)
    for (int c = 0; c < pc; ++c)
      spectrum[static_cast<std::size_t>(r) * pc + c] =
          s.pan[static_cast<std::size_t>(mirror(r - orr, s.rows)) * s.cols + mirror(c - oc, s.cols)];
  fft2d(spectrum, pr, pc, false);
  const double sigmaD = 1.66 / std::pow(s.level, 0.28);
  const int half = static_cast<int>(std::ceil(3 * sigmaD));
  std::vector<double> gauss(2 * half + 1), deriv(2 * half + 1);
  for (int i = -half; i <= half; ++i) {
    gauss[i + half] = std::exp(-(i * i) / (2 * sigmaD * sigmaD));
    deriv[i + half] = i * gauss[i + half];
  }
  const int gradientDims = o.allGradients ? 4 : 2;
  const int lgOffset = kSpectral + kMscn, gradOffset = lgOffset + 2 * kMaps,
            weibullOffset = gradOffset + gradientDims * kMaps;
  const std::vector<Plane> bank = logGaborBank(pr, pc, s.level);
#pragma omp parallel for schedule(dynamic)
  for (int filterIndex = 0; filterIndex < static_cast<int>(bank.size()); ++filterIndex) {
    const Plane& filter = bank[filterIndex];
    ComplexPlane response = spectrum;
    for (std::size_t i = 0; i < response.size(); ++i) response[i] *= filter[i];
    fft2d(response, pr, pc, true);
    for (int part = 0; part < 2; ++part) {
      const int map = 2 * filterIndex + part;
      Plane m(static_cast<std::size_t>(s.rows) * s.cols);
      for (int r = 0; r < s.rows; ++r)
        for (int c = 0; c < s.cols; ++c) {
          const auto& v = response[static_cast<std::size_t>(r + orr) * pc + c + oc];
          m[static_cast<std::size_t>(r) * s.cols + c] = part == 0 ? v.real() : v.imag();
        }
      const Plane gy = filterSeparable(m, s.rows, s.cols, deriv, gauss, half, half, false);
      const Plane gx = filterSeparable(m, s.rows, s.cols, gauss, deriv, half, half, false);
      Plane magnitude(m.size());
      for (std::size_t i = 0; i < m.size(); ++i) magnitude[i] = std::sqrt(gx[i] * gx[i] + gy[i] * gy[i]) + DBL_EPSILON;
      for (std::size_t k = 0; k < blocks.size(); ++k) {
        auto [r0, c0] = origin(blocks[k]);
        double* f = row(k);
        const GgdFit lg = fitGgd(blockValues(m, s.cols, r0, c0, size));
        f[lgOffset + 2 * map] = lg.alpha;
        f[lgOffset + 2 * map + 1] = lg.beta;
        const GgdFit y = fitGgd(blockValues(gy, s.cols, r0, c0, size));
        f[gradOffset + gradientDims * map] = y.alpha;
        f[gradOffset + gradientDims * map + 1] = y.beta;
        if (o.allGradients) {
          const GgdFit x = fitGgd(blockValues(gx, s.cols, r0, c0, size));
          f[gradOffset + gradientDims * map + 2] = x.alpha;
          f[gradOffset + gradientDims * map + 3] = x.beta;
        }
        const WeibullFit w = fitWeibull(blockValues(magnitude, s.cols, r0, c0, size));
        f[weibullOffset + 2 * map] = w.scale;
        f[weibullOffset + 2 * map + 1] = w.shape;
      }
    }
  }
}

int perScaleCount(bool allGradients) {
  return kSpectral + kMscn + 2 * kMaps + (allGradients ? 4 : 2) * kMaps + 2 * kMaps;
}

std::vector<double> covariance(const std::vector<double>& rows, std::size_t n, int d, const std::vector<double>& mean) {
  std::vector<double> cov(static_cast<std::size_t>(d) * d, 0.0);
  for (std::size_t k = 0; k < n; ++k) {
    const double* x = &rows[k * d];
    for (int i = 0; i < d; ++i) {
      const double xi = x[i] - mean[i];
      for (int j = i; j < d; ++j) cov[static_cast<std::size_t>(i) * d + j] += xi * (x[j] - mean[j]);
    }
  }
  for (int i = 0; i < d; ++i)
    for (int j = i; j < d; ++j) {
      const double v = n > 1 ? cov[static_cast<std::size_t>(i) * d + j] / (n - 1) : 0.0;
      cov[static_cast<std::size_t>(i) * d + j] = cov[static_cast<std::size_t>(j) * d + i] = v;
    }
  return cov;
}

std::vector<double> columnMean(const std::vector<double>& rows, std::size_t n, int d) {
  std::vector<double> m(d, 0.0);
  for (std::size_t k = 0; k < n; ++k)
    for (int i = 0; i < d; ++i) m[i] += rows[k * d + i];
  for (double& v : m) v /= std::max<std::size_t>(n, 1);
  return m;
}

bool hasNaN(const double* x, int d) {
  return std::any_of(x, x + d, [](double v) { return std::isnan(v); });
}

}  // namespace

int nrFeatureCount(bool allGradients) {
  return 2 * perScaleCount(allGradients);
}

NrFeatures nrFeatures(const Cube& cube, const std::vector<double>& panWeights, const NrFeatureOptions& o,
                      const PixelMask& valid, double toUnit) {
  if (static_cast<int>(panWeights.size()) != cube.bands)
    throw Error(fmt::format("{} panchromatic weights for {} bands", panWeights.size(), cube.bands));
  if (o.blockSize < 8 || o.blockSize % 2) throw InputError("the score's block size must be even and at least 8");
  if (!valid.empty() && valid.size() != cube.planeSize()) throw Error("pixel mask does not match the cube");
  const int stride = o.stride > 0 ? o.stride : o.blockSize;
  if (stride % 2) throw InputError("the score's block stride must be even");

  // Step 0: clip to [0, 1], x255, invalid pixels to 0, drop all-zero bands.
  ScaleImage s1;
  s1.rows = cube.rows;
  s1.cols = cube.cols;
  const std::size_t plane = cube.planeSize();
  std::vector<double> weights;
  for (int b = 0; b < cube.bands; ++b) {
    std::vector<float> band(plane);
    bool nonzero = false;
    for (std::size_t i = 0; i < plane; ++i) {
      const float v = (valid.empty() || valid[i]) && std::isfinite(cube.band(b)[i])
                          ? static_cast<float>(255.0 * std::clamp(toUnit * cube.band(b)[i], 0.0, 1.0))
                          : 0.0f;
      band[i] = v;
      nonzero = nonzero || v != 0;
    }
    if (!nonzero) continue;
    s1.cube.insert(s1.cube.end(), band.begin(), band.end());
    weights.push_back(panWeights[b]);
    ++s1.bands;
  }
  double wsum = 0;
  for (double w : weights) wsum += w;
  if (s1.bands == 0 || !(wsum > 0)) throw InputError("the cube has no band with data (or zero panchromatic weights)");
  for (double& w : weights) w /= wsum;
  s1.pan.assign(plane, 0.0);
  for (int b = 0; b < s1.bands; ++b)
    for (std::size_t i = 0; i < plane; ++i) s1.pan[i] += weights[b] * s1.cube[b * plane + i];

  NrFeatures out;
  out.dims = nrFeatureCount(o.allGradients);
  for (int r = 0; r + o.blockSize <= cube.rows; r += stride)
    for (int c = 0; c + o.blockSize <= cube.cols; c += stride) {
      bool ok = true;
      for (int rr = r; rr < r + o.blockSize && ok; ++rr)
        for (int cc = c; cc < c + o.blockSize && ok; ++cc)
          ok = valid.empty() || valid[static_cast<std::size_t>(rr) * cube.cols + cc];
      if (ok) out.windows.push_back({c, r, o.blockSize, o.blockSize});
    }
  out.blocks = static_cast<int>(out.windows.size());
  out.rows.assign(static_cast<std::size_t>(out.blocks) * out.dims, 0.0);
  if (out.blocks == 0) return out;
  scaleFeatures(s1, out.windows, o, 0, out);
  const ScaleImage s2 = halfScale(s1, weights);
  scaleFeatures(s2, out.windows, o, perScaleCount(o.allGradients), out);
  for (double& v : out.rows) v = capped(v);
  return out;
}

PristineModel fitPristineModel(const std::vector<NrFeatures>& features, const NrFeatureOptions& options,
                               std::vector<std::string> sources) {
  const int d = nrFeatureCount(options.allGradients);
  std::vector<double> rows;
  for (const NrFeatures& f : features) {
    if (f.dims != d) throw Error("feature rows of different lengths");
    for (int k = 0; k < f.blocks; ++k)
      if (!hasNaN(&f.rows[static_cast<std::size_t>(k) * d], d))
        rows.insert(rows.end(), f.rows.begin() + static_cast<std::ptrdiff_t>(k) * d,
                    f.rows.begin() + static_cast<std::ptrdiff_t>(k + 1) * d);
  }
  const std::size_t n = rows.size() / d;
  if (n < 2)
    throw InputError(fmt::format("only {} usable block(s) in the pristine cubes: give more or larger cubes", n));
  PristineModel m;
  m.options = options;
  m.dims = d;
  m.trainingBlocks = static_cast<int>(n);
  m.sources = std::move(sources);
  m.mean = columnMean(rows, n, d);
  // Standardise each feature by its spread over the pristine rows before the PCA (see the header).
  m.spread.assign(d, 1.0);
  {
    const std::vector<double> cov = covariance(rows, n, d, m.mean);
    for (int i = 0; i < d; ++i) {
      const double sd = std::sqrt(cov[static_cast<std::size_t>(i) * d + i]);
      m.spread[i] = sd > 0 ? sd : 1.0;
    }
  }
  for (std::size_t r = 0; r < n; ++r)
    for (int i = 0; i < d; ++i) rows[r * d + i] = m.mean[i] + (rows[r * d + i] - m.mean[i]) / m.spread[i];
  const SymmetricEigen e = symmetricEigen(covariance(rows, n, d, m.mean), d);
  double total = 0;
  for (double l : e.values) total += std::max(l, 0.0);
  double run = 0;
  int k = 0;
  while (k < d && k < 430) {
    run += std::max(e.values[k], 0.0);
    ++k;
    if (run >= 0.999 * total) break;
  }
  m.components = k;
  m.projection.resize(static_cast<std::size_t>(d) * k);
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < k; ++j)
      m.projection[static_cast<std::size_t>(i) * k + j] = e.vectors[static_cast<std::size_t>(i) * d + j];
  std::vector<double> projected(n * k, 0.0);
  for (std::size_t r = 0; r < n; ++r)
    for (int i = 0; i < d; ++i) {
      const double x = rows[r * d + i] - m.mean[i];
      for (int j = 0; j < k; ++j) projected[r * k + j] += x * m.projection[static_cast<std::size_t>(i) * k + j];
    }
  m.mu = columnMean(projected, n, k);
  m.covariance = covariance(projected, n, k, m.mu);
  return m;
}

NrScore nrScore(const PristineModel& m, const NrFeatures& f) {
  if (f.dims != m.dims)
    throw InputError(fmt::format("the score model expects {} features per block, the cube gave {}", m.dims, f.dims));
  NrScore out;
  if (f.blocks < 2) {
    out.score = kNaN;
    return out;
  }
  const int k = m.components, n = f.blocks;
  std::vector<double> c(static_cast<std::size_t>(n) * k, 0.0);
  std::vector<bool> clean(n);
  for (int r = 0; r < n; ++r) {
    const double* x = &f.rows[static_cast<std::size_t>(r) * m.dims];
    clean[r] = !hasNaN(x, m.dims);
    for (int i = 0; i < m.dims; ++i) {
      const double v = (x[i] - m.mean[i]) / m.spread[i];
      for (int j = 0; j < k; ++j)
        c[static_cast<std::size_t>(r) * k + j] += v * m.projection[static_cast<std::size_t>(i) * k + j];
    }
  }
  // IL-NIQE's NaN rules: NaN entries take the test mean (2000 where that is NaN too); the test covariance
  // comes from the rows without NaN.
  std::vector<double> testMean(k, 0.0), cleanRows;
  std::vector<int> counts(k, 0);
  for (int r = 0; r < n; ++r)
    for (int j = 0; j < k; ++j)
      if (!std::isnan(c[static_cast<std::size_t>(r) * k + j]))
        testMean[j] += c[static_cast<std::size_t>(r) * k + j], ++counts[j];
  for (int j = 0; j < k; ++j) testMean[j] = counts[j] ? testMean[j] / counts[j] : 2000.0;
  for (int r = 0; r < n; ++r) {
    for (int j = 0; j < k; ++j)
      if (std::isnan(c[static_cast<std::size_t>(r) * k + j])) c[static_cast<std::size_t>(r) * k + j] = testMean[j];
    if (clean[r])
      cleanRows.insert(cleanRows.end(), c.begin() + static_cast<std::ptrdiff_t>(r) * k,
                       c.begin() + static_cast<std::ptrdiff_t>(r + 1) * k);
  }
  const std::size_t nClean = cleanRows.size() / std::max(k, 1);
  const std::vector<double> testCov = nClean >= 2 ? covariance(cleanRows, nClean, k, columnMean(cleanRows, nClean, k))
                                                  : std::vector<double>(static_cast<std::size_t>(k) * k, 0.0);
  std::vector<double> pooled(static_cast<std::size_t>(k) * k);
  for (std::size_t i = 0; i < pooled.size(); ++i) pooled[i] = (m.covariance[i] + testCov[i]) / 2;
  const std::vector<double> inv = symmetricPseudoInverse(pooled, k);
  double total = 0;
  for (int r = 0; r < n; ++r) {
    std::vector<double> diff(k);
    for (int j = 0; j < k; ++j) diff[j] = c[static_cast<std::size_t>(r) * k + j] - m.mu[j];
    double q = 0;
    for (int i = 0; i < k; ++i) {
      double s = 0;
      for (int j = 0; j < k; ++j) s += inv[static_cast<std::size_t>(i) * k + j] * diff[j];
      q += diff[i] * s;
    }
    out.blocks.push_back(std::sqrt(std::max(q, 0.0)));
    total += out.blocks.back();
  }
  out.score = total / n;
  return out;
}

std::string PristineModel::toJson() const {
  nlohmann::json j{{"format", "hsi-fuse-nr-model"},
                   {"format_version", 1},
                   {"variant", "HSI-ILNIQE (Yang 2017 style; ../shared/specs/metrics-and-quality.md 1.3)"},
                   {"block_size", options.blockSize},
                   {"all_gradients", options.allGradients},
                   {"dims", dims},
                   {"components", components},
                   {"training_blocks", trainingBlocks},
                   {"sources", sources},
                   {"mean", mean},
                   {"spread", spread},
                   {"projection", projection},
                   {"mu", mu},
                   {"covariance", covariance}};
  return j.dump() + "\n";
}

PristineModel PristineModel::fromJson(const std::string& text, const std::string& origin) {
  PristineModel m;
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    if (j.value("format", "") != "hsi-fuse-nr-model") throw InputError(origin + " is not an hsi-fuse score model");
    m.options.blockSize = j.at("block_size").get<int>();
    m.options.allGradients = j.at("all_gradients").get<bool>();
    m.dims = j.at("dims").get<int>();
    m.components = j.at("components").get<int>();
    m.trainingBlocks = j.value("training_blocks", 0);
    m.sources = j.value("sources", std::vector<std::string>{});
    m.mean = j.at("mean").get<std::vector<double>>();
    m.spread = j.at("spread").get<std::vector<double>>();
    m.projection = j.at("projection").get<std::vector<double>>();
    m.mu = j.at("mu").get<std::vector<double>>();
    m.covariance = j.at("covariance").get<std::vector<double>>();
  } catch (const nlohmann::json::exception& e) {
    throw InputError(fmt::format("{}: not a readable score model ({})", origin, e.what()));
  }
  const std::size_t d = m.dims, k = m.components;
  if (m.dims != nrFeatureCount(m.options.allGradients) || m.mean.size() != d || m.spread.size() != d ||
      m.projection.size() != d * k || m.mu.size() != k || m.covariance.size() != k * k || k == 0)
    throw InputError(origin + ": the score model's arrays do not match its sizes (truncated or edited file?)");
  return m;
}

Cube dihedralTransform(const Cube& cube, int index) {
  Cube cur = cube;
  for (int t = 0; t < index % 4; ++t) {
    Cube rot(cur.bands, cur.cols, cur.rows);
    for (int b = 0; b < cur.bands; ++b)
      for (int r = 0; r < rot.rows; ++r)
        for (int c = 0; c < rot.cols; ++c) rot.at(b, r, c) = cur.at(b, c, cur.cols - 1 - r);
    cur = std::move(rot);
  }
  if (index >= 4)
    for (int b = 0; b < cur.bands; ++b)
      for (int r = 0; r < cur.rows; ++r)
        std::reverse(cur.band(b) + static_cast<std::size_t>(r) * cur.cols,
                     cur.band(b) + static_cast<std::size_t>(r + 1) * cur.cols);
  return cur;
}

}  // namespace hsifuse
