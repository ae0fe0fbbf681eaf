#include "lib/spectral/SpectralResampling.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "lib/core/Error.h"
#include "lib/core/Text.h"

namespace hsifuse {

std::vector<std::vector<double>> resamplingMatrix(const std::vector<SpectralBand>& source,
                                                  const std::vector<SpectralBand>& target) {
  const std::size_t n = source.size();
  for (std::size_t b = 0; b < n; ++b)
    if (!source[b].hasWavelength())
      throw InputError(fmt::format("spectral resampling: source band {} has no wavelength", b + 1));
  // Width of each source band: its FWHM, or the spacing to its neighbours.
  std::vector<double> width(n);
  for (std::size_t b = 0; b < n; ++b) {
    if (source[b].hasFwhm()) {
      width[b] = source[b].fwhmNm;
      continue;
    }
    const double lo = b > 0 ? source[b].wavelengthNm - source[b - 1].wavelengthNm : 0;
    const double hi = b + 1 < n ? source[b + 1].wavelengthNm - source[b].wavelengthNm : 0;
    width[b] = std::max(1e-6, (lo > 0 && hi > 0) ? (lo + hi) / 2 : std::max(lo, hi));
  }
  double srcLo = INFINITY, srcHi = -INFINITY;
  for (std::size_t b = 0; b < n; ++b) {
    srcLo = std::min(srcLo, source[b].wavelengthNm - width[b] / 2);
    srcHi = std::max(srcHi, source[b].wavelengthNm + width[b] / 2);
  }
  std::vector<std::vector<double>> w;
  for (std::size_t t = 0; t < target.size(); ++t) {
    const double c = target[t].wavelengthNm;
    const double fwhm = target[t].hasFwhm() ? target[t].fwhmNm : 10.0;
    if (c < srcLo - fwhm || c > srcHi + fwhm)
      throw InputError(
          fmt::format("spectral resampling: target band {} ({:.1f} nm) lies outside the source range "
                      "{:.1f}-{:.1f} nm",
                      t + 1, c, srcLo, srcHi));
    const double sigma = fwhm / (2 * std::sqrt(2 * std::log(2.0)));
    std::vector<double> row(n);
    double sum = 0;
    for (std::size_t b = 0; b < n; ++b) {
      const double z = (source[b].wavelengthNm - c) / sigma;
      sum += row[b] = std::exp(-0.5 * z * z) * width[b];
    }
    if (!(sum > 1e-300)) {
      // No source band near the target centre (a gap): take the nearest one.
      std::size_t nearest = 0;
      for (std::size_t b = 1; b < n; ++b)
        if (std::fabs(source[b].wavelengthNm - c) < std::fabs(source[nearest].wavelengthNm - c)) nearest = b;
      std::fill(row.begin(), row.end(), 0.0);
      row[nearest] = sum = 1.0;
    }
    for (double& v : row) v /= sum;
    w.push_back(std::move(row));
  }
  return w;
}

std::vector<SpectralBand> parseBandGrid(const std::string& spec) {
  auto x = spec.find('x');
  auto dash = spec.find('-', x == std::string::npos ? 0 : x);
  if (x == std::string::npos || dash == std::string::npos)
    throw InputError("--resample-to: '" + spec + "' is neither a file nor COUNTxFIRST-LAST (e.g. 31x400-700)");
  const int count = parseInt(spec.substr(0, x), "--resample-to");
  const double first = parseDouble(spec.substr(x + 1, dash - x - 1), "--resample-to");
  const double last = parseDouble(spec.substr(dash + 1), "--resample-to");
  if (count < 2 || !(last > first)) throw InputError("--resample-to: need at least 2 bands and FIRST < LAST");
  const double step = (last - first) / (count - 1);
  std::vector<SpectralBand> bands(count);
  for (int i = 0; i < count; ++i) bands[i] = {first + i * step, step};
  return bands;
}

}  // namespace hsifuse
