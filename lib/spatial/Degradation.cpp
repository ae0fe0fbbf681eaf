#include "lib/spatial/Degradation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "lib/core/Error.h"
#include "lib/numeric/Fft.h"

namespace hsifuse {

int degradationPadding(int kernelSize, int scale) {
  const int d = kernelSize - scale;
  return d >= 0 ? d / 2 : -((-d + 1) / 2);  // floor((k - s) / 2)
}

namespace {

// k = column x row when the kernel is separable (rank one, to 1e-12 of its peak): the Gaussians, the box.
bool separableFactors(const BlurKernel& k, std::vector<double>& column, std::vector<double>& row) {
  std::size_t peak = 0;
  for (std::size_t i = 1; i < k.w.size(); ++i)
    if (std::fabs(k.w[i]) > std::fabs(k.w[peak])) peak = i;
  const double top = k.w[peak];
  if (top == 0) return false;
  const int pr = static_cast<int>(peak) / k.cols, pc = static_cast<int>(peak) % k.cols;
  column.resize(k.rows);
  row.resize(k.cols);
  for (int u = 0; u < k.rows; ++u) column[u] = k.at(u, pc);
  for (int v = 0; v < k.cols; ++v) row[v] = k.at(pr, v) / top;
  for (int u = 0; u < k.rows; ++u)
    for (int v = 0; v < k.cols; ++v)
      if (std::fabs(k.at(u, v) - column[u] * row[v]) > 1e-12 * std::fabs(top)) return false;
  return true;
}

// The blur at full resolution (scale 1) by FFT: per pair of bands (one as the real part, one as the imaginary
// part, since the kernel is real) the edge-replicated plane is correlated with the kernel in the frequency domain.
// A 32 x 32 learned kernel on a 512 x 512 plane costs about 1000 multiply-adds per pixel directly and about 60
// this way (Khan's D_lambda in the fuse report blurs the whole output at full resolution).
Cube blurFullResolutionFft(const Cube& z, const BlurKernel& k) {
  const int pr = degradationPadding(k.rows, 1), pc = degradationPadding(k.cols, 1);
  const int fr = fastFftSize(z.rows + k.rows - 1), fc = fastFftSize(z.cols + k.cols - 1);
  const std::size_t n = static_cast<std::size_t>(fr) * fc;
  ComplexPlane kf(n);
  for (int u = 0; u < k.rows; ++u)
    for (int v = 0; v < k.cols; ++v) kf[static_cast<std::size_t>(u) * fc + v] = k.at(u, v);
  fft2d(kf, fr, fc, false);
  Cube y(z.bands, z.rows, z.cols);
  const int pairs = (z.bands + 1) / 2;
#pragma omp parallel for schedule(dynamic)
  for (int pair = 0; pair < pairs; ++pair) {
    const int b0 = 2 * pair, b1 = std::min(2 * pair + 1, z.bands - 1);
    ComplexPlane q(n);
    for (int a = 0; a < z.rows + k.rows - 1; ++a) {
      const int r = std::clamp(a - pr, 0, z.rows - 1);
      for (int b = 0; b < z.cols + k.cols - 1; ++b) {
        const int c = std::clamp(b - pc, 0, z.cols - 1);
        q[static_cast<std::size_t>(a) * fc + b] = {z.at(b0, r, c), b1 != b0 ? z.at(b1, r, c) : 0.0f};
      }
    }
    fft2d(q, fr, fc, false);
    for (std::size_t i = 0; i < n; ++i) q[i] *= std::conj(kf[i]);
    fft2d(q, fr, fc, true);
    for (int r = 0; r < z.rows; ++r)
      for (int c = 0; c < z.cols; ++c) {
        const std::complex<double> v = q[static_cast<std::size_t>(r) * fc + c];
        y.at(b0, r, c) = static_cast<float>(v.real());
        if (b1 != b0) y.at(b1, r, c) = static_cast<float>(v.imag());
      }
  }
  return y;
}

// Output rows [0, outRows) x [0, outCols) of the blur and decimation, where output pixel (i, j) reads the taps at
// z rows s*i + rowBase + u and columns s*j + colBase + v, clamped to z (replicate padding).
Cube blurDecimate(const Cube& z, const BlurKernel& k, int scale, int outRows, int outCols, int rowBase, int colBase) {
  Cube y(z.bands, outRows, outCols);
  // Precomputed clamped HR indices of every kernel tap, per LR row / column (v-major for the column taps, so
  // that one tap's sweep along an LR row reads contiguous indices).
  std::vector<int> rowIdx(static_cast<std::size_t>(outRows) * k.rows),
      colIdx(static_cast<std::size_t>(outCols) * k.cols);
  for (int i = 0; i < outRows; ++i)
    for (int u = 0; u < k.rows; ++u) rowIdx[i * k.rows + u] = std::clamp(scale * i + rowBase + u, 0, z.rows - 1);
  for (int v = 0; v < k.cols; ++v)
    for (int j = 0; j < outCols; ++j) colIdx[v * outCols + j] = std::clamp(scale * j + colBase + v, 0, z.cols - 1);
  std::vector<double> column, row;
  const bool separable = separableFactors(k, column, row);
  // Bands are independent: spread over the cores. A separable kernel costs rows + cols taps per pixel instead of
  // rows x cols (what makes the full-resolution blur of Khan's D_lambda affordable at 200+ bands).
#pragma omp parallel for schedule(dynamic)
  for (int b = 0; b < z.bands; ++b) {
    const float* src = z.band(b);
    float* dst = y.band(b);
    std::vector<double> acc(outCols), line(z.cols);
    for (int i = 0; i < outRows; ++i) {
      std::fill(acc.begin(), acc.end(), 0.0);
      if (separable) {
        std::fill(line.begin(), line.end(), 0.0);
        for (int u = 0; u < k.rows; ++u) {
          const float* in = src + static_cast<std::size_t>(rowIdx[i * k.rows + u]) * z.cols;
          const double w = column[u];
          for (int c = 0; c < z.cols; ++c) line[c] += w * in[c];
        }
        for (int v = 0; v < k.cols; ++v) {
          const int* idx = &colIdx[static_cast<std::size_t>(v) * outCols];
          const double w = row[v];
          for (int j = 0; j < outCols; ++j) acc[j] += w * line[idx[j]];
        }
      } else {
        for (int u = 0; u < k.rows; ++u) {
          const float* in = src + static_cast<std::size_t>(rowIdx[i * k.rows + u]) * z.cols;
          const double* kw = &k.w[static_cast<std::size_t>(u) * k.cols];
          for (int v = 0; v < k.cols; ++v) {
            const int* idx = &colIdx[static_cast<std::size_t>(v) * outCols];
            const double w = kw[v];
            if (w == 0) continue;
            for (int j = 0; j < outCols; ++j) acc[j] += w * in[idx[j]];
          }
        }
      }
      for (int j = 0; j < outCols; ++j) dst[static_cast<std::size_t>(i) * outCols + j] = static_cast<float>(acc[j]);
    }
  }
  return y;
}

}  // namespace

Cube blurDownsample(const Cube& z, const BlurKernel& k, int scale) {
  if (scale < 1) throw InputError("the scale must be at least 1");
  const int outRows = z.rows / scale, outCols = z.cols / scale;
  if (outRows < 1 || outCols < 1) throw InputError("the image is smaller than one LR pixel");
  std::vector<double> column, row;
  if (scale == 1 && !separableFactors(k, column, row) && k.rows * k.cols > 64) return blurFullResolutionFft(z, k);
  return blurDecimate(z, k, scale, outRows, outCols, -degradationPadding(k.rows, scale),
                      -degradationPadding(k.cols, scale));
}

Cube blurDownsampleWindow(const WindowSource& z, const BlurKernel& k, int scale, const Window& lr) {
  if (scale < 1) throw InputError("the scale must be at least 1");
  const int pr = degradationPadding(k.rows, scale), pc = degradationPadding(k.cols, scale);
  // Every tap of the window's LR pixels, the scene's border replicated as blurDownsample clamps it.
  const Window taps{scale * lr.col - pc, scale * lr.row - pr, scale * (lr.width - 1) + k.cols,
                    scale * (lr.height - 1) + k.rows};
  return blurDecimate(readReplicated(z, taps), k, scale, lr.height, lr.width, 0, 0);
}

double addNoiseAtSnr(Cube& y, double snrDb, std::uint64_t seed) {
  // Over the finite values: one NaN (a water-absorption band, a nodata pixel) used to make the power, the sigma and
  // so every noisy value NaN.
  double power = 0;
  std::size_t finite = 0;
  for (float v : y.data)
    if (std::isfinite(v)) power += double(v) * v, ++finite;
  power /= std::max<std::size_t>(1, finite);
  const double sigma = std::sqrt(power / std::pow(10.0, snrDb / 10.0));
  addGaussianNoise(y, sigma, seed);
  return sigma;
}

void addGaussianNoise(Cube& y, double sigma, std::uint64_t seed) {
  addGaussianNoise(y, std::vector<double>(y.bands, sigma), seed);
}

void addGaussianNoise(Cube& y, const std::vector<double>& sigmaPerBand, std::uint64_t seed) {
  if (sigmaPerBand.size() != static_cast<std::size_t>(y.bands))
    throw Error("addGaussianNoise: " + std::to_string(sigmaPerBand.size()) + " sigmas for " + std::to_string(y.bands) +
                " bands");
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0.0, 1.0);
  for (int b = 0; b < y.bands; ++b)
    for (float* v = y.band(b); v != y.band(b) + y.planeSize(); ++v)
      *v = static_cast<float>(*v + sigmaPerBand[b] * noise(rng));
}

Cube projectSpectrally(const Cube& z, const std::vector<std::vector<double>>& p) {
  for (const auto& row : p)
    if (static_cast<int>(row.size()) != z.bands)
      throw InputError("P has " + std::to_string(row.size()) + " columns but the cube has " + std::to_string(z.bands) +
                       " bands");
  Cube x(static_cast<int>(p.size()), z.rows, z.cols);
  const std::size_t n = z.planeSize();
  std::vector<double> acc(n);
  for (std::size_t m = 0; m < p.size(); ++m) {
    std::fill(acc.begin(), acc.end(), 0.0);
    for (int b = 0; b < z.bands; ++b) {
      const double w = p[m][b];
      if (w == 0) continue;
      const float* src = z.band(b);
      for (std::size_t i = 0; i < n; ++i) acc[i] += w * src[i];
    }
    float* dst = x.band(static_cast<int>(m));
    for (std::size_t i = 0; i < n; ++i) dst[i] = static_cast<float>(acc[i]);
  }
  return x;
}

BlurKernel embedKernel(const BlurKernel& kernel, int size, int s) {
  BlurKernel out;
  out.rows = out.cols = size;
  out.w.assign(static_cast<std::size_t>(size) * size, 0.0);
  const int dr = degradationPadding(size, s) - degradationPadding(kernel.rows, s);
  const int dc = degradationPadding(size, s) - degradationPadding(kernel.cols, s);
  for (int r = 0; r < kernel.rows; ++r)
    for (int c = 0; c < kernel.cols; ++c) {
      const int rr = r + dr, cc = c + dc;
      if (rr < 0 || rr >= size || cc < 0 || cc >= size) {
        if (kernel.at(r, c) == 0) continue;
        throw Error(
            fmt::format("a {} x {} kernel does not fit a {} x {} support", kernel.rows, kernel.cols, size, size));
      }
      out.w[static_cast<std::size_t>(rr) * size + cc] = kernel.at(r, c);
    }
  return out;
}

}  // namespace hsifuse
