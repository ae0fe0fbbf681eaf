#include "lib/spectral/SignalSubspace.h"

#include <algorithm>
#include <cmath>

#include "lib/numeric/SymmetricEigen.h"

namespace hsifuse {

Cube SignalSubspace::project(const Cube& c) const {
  if (rank == 0 || c.bands != bands) return c;
  Cube out = c;
  const std::size_t plane = c.planeSize();
  std::vector<double> v(bands), coef(rank);
  for (std::size_t i = 0; i < plane; ++i) {
    bool finite = true;
    for (int b = 0; b < bands && finite; ++b) finite = std::isfinite(c.band(b)[i]);
    if (!finite) continue;
    for (int b = 0; b < bands; ++b) v[b] = c.band(b)[i] - mean[b];
    std::fill(coef.begin(), coef.end(), 0.0);
    for (int b = 0; b < bands; ++b) {
      const double* row = basis.data() + static_cast<std::size_t>(b) * rank;
      for (int k = 0; k < rank; ++k) coef[k] += row[k] * v[b];
    }
    for (int b = 0; b < bands; ++b) {
      const double* row = basis.data() + static_cast<std::size_t>(b) * rank;
      double acc = mean[b];
      for (int k = 0; k < rank; ++k) acc += row[k] * coef[k];
      out.band(b)[i] = static_cast<float>(acc);
    }
  }
  return out;
}

SignalSubspace estimateSignalSubspace(const Cube& c) {
  SignalSubspace out;
  const int nb = c.bands;
  // One pass over the cube for both the covariance and the noise regressions that read it.
  const BandCovariance stats = bandCovariance(c);
  const BandNoise noise = estimateBandNoise(stats);
  if (noise.sigma.size() != static_cast<std::size_t>(nb) || nb < 2) return out;
  const double n = stats.pixels;
  const std::vector<double>& cov = stats.cov;
  std::vector<double> signal = cov;
  for (int b = 0; b < nb; ++b) signal[static_cast<std::size_t>(b) * nb + b] -= noise.sigma[b] * noise.sigma[b];
  const SymmetricEigen eig = symmetricEigenTridiagonal(signal, nb);
  const double threshold = std::max(2.0, std::pow(1.0 + std::sqrt(nb / n), 2));
  std::vector<int> kept;
  for (int k = 0; k < nb; ++k) {
    // e'Ce = e'(C - N)e + e'Ne = the eigenvalue + the noise's power along e.
    double noisePower = 0;
    for (int a = 0; a < nb; ++a) {
      const double ea = eig.vectors[static_cast<std::size_t>(a) * nb + k];
      noisePower += ea * ea * noise.sigma[a] * noise.sigma[a];
    }
    if (eig.values[k] + noisePower > threshold * noisePower) kept.push_back(k);
  }
  if (kept.empty() || static_cast<int>(kept.size()) == nb) return out;  // nothing to project away
  out.bands = nb;
  out.rank = static_cast<int>(kept.size());
  out.mean = stats.mean;
  out.basis.resize(static_cast<std::size_t>(nb) * out.rank);
  for (int b = 0; b < nb; ++b)
    for (int k = 0; k < out.rank; ++k)
      out.basis[static_cast<std::size_t>(b) * out.rank + k] = eig.vectors[static_cast<std::size_t>(b) * nb + kept[k]];
  return out;
}

}  // namespace hsifuse
