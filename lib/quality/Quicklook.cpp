#include "lib/quality/Quicklook.h"

#include <algorithm>
#include <cmath>

namespace hsifuse {

std::vector<int> quicklookBands(const std::vector<SpectralBand>& bands, int bandCount) {
  std::vector<int> pick;
  const bool wavelengths = allHaveWavelengths(bands) && static_cast<int>(bands.size()) == bandCount;
  for (int k = 0; k < 3; ++k) {
    if (wavelengths) {
      const double target = k == 0 ? 640 : k == 1 ? 550 : 470;
      int best = 0;
      for (int b = 1; b < bandCount; ++b)
        if (std::fabs(bands[b].wavelengthNm - target) < std::fabs(bands[best].wavelengthNm - target)) best = b;
      pick.push_back(best);
    } else {
      pick.push_back(std::min(bandCount - 1, (bandCount - 1) * (3 - k) / 4));
    }
  }
  return pick;
}

Cube stretchRgb(const Cube& z) {
  Cube rgb(3, z.rows, z.cols);
  for (int k = 0; k < 3; ++k) {
    const float* src = z.band(k);
    std::vector<float> v;
    for (std::size_t i = 0; i < z.planeSize(); ++i)
      if (std::isfinite(src[i])) v.push_back(src[i]);
    float lo = 0, hi = 1;
    if (!v.empty()) {
      std::nth_element(v.begin(), v.begin() + v.size() * 2 / 100, v.end());
      lo = v[v.size() * 2 / 100];
      std::nth_element(v.begin(), v.begin() + v.size() * 98 / 100, v.end());
      hi = v[v.size() * 98 / 100];
    }
    const float range = hi > lo ? hi - lo : 1.0f;
    float* dst = rgb.band(k);
    for (std::size_t i = 0; i < z.planeSize(); ++i)
      dst[i] = std::isfinite(src[i]) ? std::round(std::clamp((src[i] - lo) / range, 0.0f, 1.0f) * 255.0f) : 0.0f;
  }
  return rgb;
}

Cube kernelPicture(const BlurKernel& k, int m) {
  double top = 0;
  for (double v : k.w) top = std::max(top, v);
  Cube out(1, k.rows * m, k.cols * m);
  for (int r = 0; r < out.rows; ++r)
    for (int c = 0; c < out.cols; ++c)
      out.at(0, r, c) =
          top > 0 ? static_cast<float>(std::round(std::max(0.0, k.at(r / m, c / m)) / top * 255.0)) : 0.0f;
  return out;
}

}  // namespace hsifuse
