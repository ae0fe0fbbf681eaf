#include "lib/spectral/Radiometry.h"

#include <algorithm>

#include "lib/core/Error.h"
#include "lib/spatial/Degradation.h"
#include "lib/spatial/Resampling.h"

namespace hsifuse {
namespace {

// Per band, sum(num) / sum(den) over the pixels both cover where `valid` (row-major on num's plane; empty: all) is
// set; 1 where den sums to 0.
std::vector<double> bandSumRatios(const Cube& num, const Cube& den, const std::vector<std::uint8_t>& valid) {
  if (!valid.empty() && valid.size() != num.planeSize()) throw Error("radiometry: the LR mask does not match");
  const int rows = std::min(num.rows, den.rows), cols = std::min(num.cols, den.cols);
  std::vector<double> ratios;
  for (int b = 0; b < den.bands; ++b) {
    double sn = 0, sd = 0;
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < cols; ++c)
        if (valid.empty() || valid[static_cast<std::size_t>(r) * num.cols + c])
          sn += num.at(b, r, c), sd += den.at(b, r, c);
    ratios.push_back(sd != 0 ? sn / sd : 1.0);
  }
  return ratios;
}

}  // namespace

std::vector<double> matchMsiToHsi(Cube& x, const Cube& y, const std::vector<std::vector<double>>& p, int scale) {
  const std::vector<double> gains = bandSumRatios(projectSpectrally(y, p), blockMean(x, scale), {});
  for (int b = 0; b < x.bands; ++b) {
    float* band = x.band(b);
    for (std::size_t i = 0; i < x.planeSize(); ++i) band[i] = static_cast<float>(band[i] * gains[b]);
  }
  return gains;
}

std::vector<double> kernelGainCorrection(const Cube& x, const Cube& y, const std::vector<std::vector<double>>& p,
                                         const BlurKernel& kernel, int scale,
                                         const std::vector<std::uint8_t>& lrValid) {
  return bandSumRatios(projectSpectrally(y, p), blurDownsample(x, kernel, scale), lrValid);
}

}  // namespace hsifuse
