#include "lib/spatial/KernelEstimation.h"

#include <algorithm>
#include <numeric>
#include <random>
#include <vector>

#include "lib/core/Error.h"
#include "lib/fusion/ClassicalFusion.h"
#include "lib/numeric/LinearSolve.h"
#include "lib/spatial/Degradation.h"

namespace hsifuse {

BlurKernel estimateKernelLeastSquares(const Cube& z, const Cube& y, int k, int s, int maxSamples, std::uint64_t seed) {
  if (z.bands != y.bands || y.rows * s > z.rows || y.cols * s > z.cols)
    throw InputError("kernel estimation: the HR estimate and the LR image do not match");
  const int p = degradationPadding(k, s);
  const std::size_t n = static_cast<std::size_t>(k) * k;
  const std::size_t total = static_cast<std::size_t>(y.bands) * y.rows * y.cols;
  std::vector<std::size_t> samples(total);
  std::iota(samples.begin(), samples.end(), 0);
  if (total > static_cast<std::size_t>(maxSamples)) {
    std::mt19937_64 rng(seed);
    std::shuffle(samples.begin(), samples.end(), rng);
    samples.resize(maxSamples);
  }
  std::vector<double> ata(n * n, 0.0), atb(n, 0.0), row(n);
  for (std::size_t idx : samples) {
    const int b = static_cast<int>(idx / (static_cast<std::size_t>(y.rows) * y.cols));
    const int i = static_cast<int>(idx / y.cols % y.rows), j = static_cast<int>(idx % y.cols);
    for (int u = 0; u < k; ++u) {
      const int r = std::clamp(s * i - p + u, 0, z.rows - 1);
      for (int v = 0; v < k; ++v) row[u * k + v] = z.at(b, r, std::clamp(s * j - p + v, 0, z.cols - 1));
    }
    const double target = y.at(b, i, j);
    for (std::size_t a = 0; a < n; ++a) {
      const double ra = row[a];
      atb[a] += ra * target;
      double* line = &ata[a * n];
      for (std::size_t c = 0; c <= a; ++c) line[c] += ra * row[c];
    }
  }
  for (std::size_t a = 0; a < n; ++a)
    for (std::size_t c = a + 1; c < n; ++c) ata[a * n + c] = ata[c * n + a];
  BlurKernel out = solveKernelNormalEquations(std::move(ata), atb, k);
  out.normalise();
  return out;
}

BlurKernel solveKernelNormalEquations(std::vector<double> ata, const std::vector<double>& atb, int k) {
  const std::size_t n = atb.size();
  double trace = 0;
  for (std::size_t a = 0; a < n; ++a) trace += ata[a * n + a];
  for (std::size_t a = 0; a < n; ++a) ata[a * n + a] += 1e-3 * trace / n;
  const std::vector<double> w = solveSymmetric(std::move(ata), atb);
  BlurKernel out;
  out.rows = out.cols = k;
  out.w.resize(n);
  for (std::size_t a = 0; a < n; ++a) out.w[a] = std::max(0.0, w[a]);
  return out;
}

BlurKernel solveNonNegativeKernel(const std::vector<double>& ata, const std::vector<double>& atb, int k, double ridge) {
  const std::size_t n = atb.size();
  BlurKernel out;
  out.rows = out.cols = k;
  out.w.assign(n, 0.0);
  double trace = 0;
  for (std::size_t a = 0; a < n; ++a) trace += ata[a * n + a];
  if (!(trace > 0)) return out;
  const double lambda = ridge * trace / n;
  std::vector<std::size_t> freeTaps(n);
  std::iota(freeTaps.begin(), freeTaps.end(), 0);
  while (!freeTaps.empty()) {
    const std::size_t m = freeTaps.size();
    std::vector<double> g(m * m), c(m);
    for (std::size_t a = 0; a < m; ++a) {
      c[a] = atb[freeTaps[a]];
      const double* line = &ata[freeTaps[a] * n];
      for (std::size_t b = 0; b < m; ++b) g[a * m + b] = line[freeTaps[b]];
      g[a * m + a] += lambda;
    }
    const std::vector<double> w = solveSymmetric(std::move(g), std::move(c));
    std::vector<std::size_t> kept;
    for (std::size_t a = 0; a < m; ++a)
      if (w[a] >= 0) kept.push_back(freeTaps[a]);
    if (kept.size() == m) {
      for (std::size_t a = 0; a < m; ++a) out.w[freeTaps[a]] = w[a];
      break;
    }
    freeTaps = std::move(kept);
  }
  return out;
}

Window kernelFitWindow(int lrRows, int lrCols, int s, int sideHr) {
  const int side = std::max(8, sideHr / s);
  const int h = std::min(lrRows, side), w = std::min(lrCols, side);
  return {(lrCols - w) / 2, (lrRows - h) / 2, w, h};
}

}  // namespace hsifuse
