#include "lib/spectral/SpectralJitter.h"

#include <algorithm>

namespace hsifuse {

ResponseMatrix perturbResponse(const ResponseMatrix& p, double tilt, double gain, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> tiltDist(-tilt, tilt);
  std::normal_distribution<double> gainDist(0.0, gain);
  ResponseMatrix out = p;
  for (auto& row : out) {
    const double a = tilt > 0 ? tiltDist(rng) : 0.0, g = gain > 0 ? gainDist(rng) : 0.0;
    std::size_t first = row.size(), last = 0;
    double sum = 0;
    for (std::size_t j = 0; j < row.size(); ++j)
      if (row[j] != 0) {
        first = std::min(first, j);
        last = j;
        sum += row[j];
      }
    if (first >= row.size()) continue;
    double tilted = 0;
    for (std::size_t j = first; j <= last; ++j) {
      const double t = last > first ? 2.0 * (j - first) / (last - first) - 1.0 : 0.0;
      row[j] = std::max(0.0, row[j] * (1 + a * t));
      tilted += row[j];
    }
    if (!(tilted > 0)) continue;
    const double k = sum * std::max(0.1, 1 + g) / tilted;
    for (std::size_t j = first; j <= last; ++j) row[j] *= k;
  }
  return out;
}

void jitterSpectra(Cube& z, double brightness, double tilt, double curvature) {
  const std::size_t plane = z.planeSize();
  for (int b = 0; b < z.bands; ++b) {
    const double t = z.bands > 1 ? 2.0 * b / (z.bands - 1) - 1.0 : 0.0;
    const float f = static_cast<float>(brightness * (1 + tilt * t + curvature * (t * t - 1.0 / 3.0)));
    float* v = z.band(b);
    for (std::size_t i = 0; i < plane; ++i) v[i] = std::max(0.0f, v[i] * f);
  }
}

}  // namespace hsifuse
