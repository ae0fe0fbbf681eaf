#include "lib/spectral/Radiometry.h"

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

}  // namespace hsifuse
