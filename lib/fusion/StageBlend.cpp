#include "lib/fusion/StageBlend.h"

#include <algorithm>
#include <limits>

#include "lib/core/Error.h"
#include "lib/numeric/LinearSolve.h"

namespace hsifuse {

std::vector<double> StageBlend::meanWeights() const {
  std::vector<double> mean(parts.size(), 0.0);
  for (const auto& row : weights)
    for (std::size_t k = 0; k < row.size() && k < mean.size(); ++k) mean[k] += row[k] / weights.size();
  return mean;
}

std::vector<double> convexWeights(const std::vector<double>& gram, int k) {
  if (k < 1 || k > 8 || gram.size() != static_cast<std::size_t>(k) * k)
    throw Error("convexWeights: a k x k Gram matrix with 1 <= k <= 8 expected");
  std::vector<double> best(k, 0.0);
  double bestValue = std::numeric_limits<double>::infinity();
  // Supports by size, so that a single part wins a tie (a degenerate G: parts with identical errors).
  for (int size = 1; size <= k; ++size)
    for (unsigned mask = 1; mask < (1u << k); ++mask) {
      if (__builtin_popcount(mask) != size) continue;
      std::vector<int> support;
      for (int i = 0; i < k; ++i)
        if (mask & (1u << i)) support.push_back(i);
      // On the support, the minimiser of w' G w with sum w = 1 is G_S^-1 1 / (1' G_S^-1 1).
      std::vector<double> gs(size * size), ones(size, 1.0), w(size, 1.0);
      for (int a = 0; a < size; ++a)
        for (int c = 0; c < size; ++c) gs[a * size + c] = gram[support[a] * k + support[c]];
      if (size > 1) {
        try {
          w = solveSymmetric(gs, ones);
        } catch (const Error&) {
          continue;  // singular: a smaller support covers it
        }
      }
      double total = 0;
      for (double v : w) total += v;
      if (!(total > 0)) continue;
      bool convex = true;
      for (double& v : w) convex = convex && (v /= total) >= 0;
      if (!convex) continue;
      double value = 0;
      for (int a = 0; a < size; ++a)
        for (int c = 0; c < size; ++c) value += w[a] * gs[a * size + c] * w[c];
      if (value < bestValue * (1 - 1e-12) - 1e-300) {
        bestValue = value;
        std::fill(best.begin(), best.end(), 0.0);
        for (int a = 0; a < size; ++a) best[support[a]] = w[a];
      }
    }
  return best;
}

BlendFit::BlendFit(int parts, int bands)
    : parts_(parts), bands_(bands), gram_(bands, std::vector<double>(static_cast<std::size_t>(parts) * parts, 0.0)) {
  if (parts < 1 || bands < 1) throw Error("BlendFit: at least one part and one band expected");
}

void BlendFit::add(const std::vector<Cube>& results, const Cube& ref) {
  if (results.size() != static_cast<std::size_t>(parts_) || ref.bands != bands_)
    throw Error("BlendFit: one result per part, with the fit's bands, expected");
  for (const Cube& z : results)
    if (z.bands != ref.bands || z.rows != ref.rows || z.cols != ref.cols)
      throw Error("BlendFit: a result does not match its reference's shape");
  const std::size_t n = ref.planeSize();
  const int k = parts_;
#pragma omp parallel for schedule(static)
  for (int b = 0; b < bands_; ++b) {
    const float* r = ref.band(b);
    for (int a = 0; a < k; ++a)
      for (int c = 0; c <= a; ++c) {
        const float *za = results[a].band(b), *zc = results[c].band(b);
        double acc = 0;
        for (std::size_t p = 0; p < n; ++p) acc += (double(za[p]) - r[p]) * (double(zc[p]) - r[p]);
        gram_[b][a * k + c] += acc;
        if (c != a) gram_[b][c * k + a] += acc;
      }
  }
}

std::vector<std::vector<double>> BlendFit::weights() const {
  std::vector<std::vector<double>> w(bands_);
  for (int b = 0; b < bands_; ++b) w[b] = convexWeights(gram_[b], parts_);
  return w;
}

Cube blendCubes(const std::vector<Cube>& parts, const std::vector<std::vector<double>>& weights) {
  if (parts.empty()) throw Error("blendCubes: no part");
  const Cube& first = parts.front();
  if (weights.size() != static_cast<std::size_t>(first.bands))
    throw Error("blendCubes: one row of weights per band expected");
  for (const Cube& c : parts)
    if (c.bands != first.bands || c.rows != first.rows || c.cols != first.cols)
      throw Error("blendCubes: the parts differ in shape");
  Cube out(first.bands, first.rows, first.cols);
  const std::size_t n = first.planeSize();
  for (int b = 0; b < first.bands; ++b) {
    if (weights[b].size() != parts.size()) throw Error("blendCubes: one weight per part expected");
    float* o = out.band(b);
    for (std::size_t k = 0; k < parts.size(); ++k) {
      const float w = static_cast<float>(weights[b][k]);
      if (w == 0) continue;
      const float* z = parts[k].band(b);
      for (std::size_t p = 0; p < n; ++p) o[p] += w * z[p];
    }
  }
  return out;
}

}  // namespace hsifuse
