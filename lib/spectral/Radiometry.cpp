#include "lib/spectral/Radiometry.h"

#include <algorithm>

#include "lib/core/Error.h"
#include "lib/spatial/Degradation.h"
#include "lib/spatial/Resampling.h"

namespace hsifuse {

std::vector<double> matchMsiToHsi(Cube& x, const Cube& y, const std::vector<std::vector<double>>& p, int scale) {
  const Cube py = projectSpectrally(y, p), xl = blockMean(x, scale);
  std::vector<double> gains;
  for (int b = 0; b < x.bands; ++b) {
    double sp = 0, sx = 0;
    for (std::size_t i = 0; i < py.planeSize(); ++i) sp += py.band(b)[i], sx += xl.band(b)[i];
    const double gain = sx != 0 ? sp / sx : 1.0;
    gains.push_back(gain);
    for (std::size_t i = 0; i < x.planeSize(); ++i) x.band(b)[i] = static_cast<float>(x.band(b)[i] * gain);
  }
  return gains;
}

std::vector<double> kernelGainCorrection(const Cube& x, const Cube& y, const std::vector<std::vector<double>>& p,
                                         const BlurKernel& kernel, int scale,
                                         const std::vector<std::uint8_t>& lrValid) {
  const Cube py = projectSpectrally(y, p), dx = blurDownsample(x, kernel, scale);
  const int rows = std::min(py.rows, dx.rows), cols = std::min(py.cols, dx.cols);
  if (!lrValid.empty() && lrValid.size() != py.planeSize()) throw Error("gain correction: the LR mask does not match");
  std::vector<double> factors;
  for (int b = 0; b < x.bands; ++b) {
    double sp = 0, sx = 0;
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < cols; ++c)
        if (lrValid.empty() || lrValid[static_cast<std::size_t>(r) * py.cols + c])
          sp += py.at(b, r, c), sx += dx.at(b, r, c);
    factors.push_back(sx != 0 && sp != 0 ? sp / sx : 1.0);
  }
  return factors;
}

}  // namespace hsifuse
