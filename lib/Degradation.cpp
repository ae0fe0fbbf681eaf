#include "lib/Degradation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "lib/Error.h"

namespace hsifuse {

int degradationPadding(int kernelSize, int scale) {
  const int d = kernelSize - scale;
  return d >= 0 ? d / 2 : -((-d + 1) / 2);  // floor((k - s) / 2)
}

Cube blurDownsample(const Cube& z, const BlurKernel& k, int scale) {
  if (scale < 1) throw InputError("the scale must be at least 1");
  const int outRows = z.rows / scale, outCols = z.cols / scale;
  if (outRows < 1 || outCols < 1) throw InputError("the image is smaller than one LR pixel");
  const int pr = degradationPadding(k.rows, scale), pc = degradationPadding(k.cols, scale);
  Cube y(z.bands, outRows, outCols);
  // Precomputed clamped HR indices of every kernel tap, per LR row / column.
  std::vector<int> rowIdx(static_cast<std::size_t>(outRows) * k.rows), colIdx(static_cast<std::size_t>(outCols) * k.cols);
  for (int i = 0; i < outRows; ++i)
    for (int u = 0; u < k.rows; ++u) rowIdx[i * k.rows + u] = std::clamp(scale * i - pr + u, 0, z.rows - 1);
  for (int j = 0; j < outCols; ++j)
    for (int v = 0; v < k.cols; ++v) colIdx[j * k.cols + v] = std::clamp(scale * j - pc + v, 0, z.cols - 1);
  for (int b = 0; b < z.bands; ++b) {
    const float* src = z.band(b);
    float* dst = y.band(b);
    for (int i = 0; i < outRows; ++i)
      for (int j = 0; j < outCols; ++j) {
        double acc = 0;
        for (int u = 0; u < k.rows; ++u) {
          const float* row = src + static_cast<std::size_t>(rowIdx[i * k.rows + u]) * z.cols;
          const double* kw = &k.w[static_cast<std::size_t>(u) * k.cols];
          for (int v = 0; v < k.cols; ++v) acc += kw[v] * row[colIdx[j * k.cols + v]];
        }
        dst[static_cast<std::size_t>(i) * outCols + j] = static_cast<float>(acc);
      }
  }
  return y;
}

double addNoiseAtSnr(Cube& y, double snrDb, std::uint64_t seed) {
  double power = 0;
  for (float v : y.data) power += double(v) * v;
  power /= std::max<std::size_t>(1, y.size());
  const double sigma = std::sqrt(power / std::pow(10.0, snrDb / 10.0));
  addGaussianNoise(y, sigma, seed);
  return sigma;
}

void addGaussianNoise(Cube& y, double sigma, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0.0, sigma);
  for (float& v : y.data) v = static_cast<float>(v + noise(rng));
}

Cube projectSpectrally(const Cube& z, const std::vector<std::vector<double>>& p) {
  for (const auto& row : p)
    if (static_cast<int>(row.size()) != z.bands)
      throw InputError("P has " + std::to_string(row.size()) + " columns but the cube has " +
                       std::to_string(z.bands) + " bands");
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
        throw Error(fmt::format("a {} x {} kernel does not fit a {} x {} support", kernel.rows, kernel.cols, size, size));
      }
      out.w[static_cast<std::size_t>(rr) * size + cc] = kernel.at(r, c);
    }
  return out;
}

}  // namespace hsifuse
