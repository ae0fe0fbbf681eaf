#include "lib/spatial/SeparableFilter.h"

#include <algorithm>
#include <cstddef>

namespace hsifuse {

std::vector<double> filterSeparable(const std::vector<double>& img, int rows, int cols,
                                    const std::vector<double>& vertical, const std::vector<double>& horizontal,
                                    int vFirst, int hFirst, FilterBorder border) {
  const bool replicate = border == FilterBorder::Replicate;
  const int hTaps = static_cast<int>(horizontal.size()), vTaps = static_cast<int>(vertical.size());
  std::vector<double> tmp(img.size(), 0.0), out(img.size(), 0.0);
  // Along rows: each row padded once (hFirst before, the rest after), then one pass per tap.
  std::vector<double> padded(static_cast<std::size_t>(cols + hTaps), 0.0);
  for (int r = 0; r < rows; ++r) {
    const double* row = &img[static_cast<std::size_t>(r) * cols];
    for (int i = 0; i < cols + hTaps - 1; ++i) {
      const int c = i - hFirst;
      padded[static_cast<std::size_t>(i)] = c >= 0 && c < cols ? row[c]
                                            : replicate        ? row[std::clamp(c, 0, cols - 1)]
                                                               : 0.0;
    }
    double* t = &tmp[static_cast<std::size_t>(r) * cols];
    for (int k = 0; k < hTaps; ++k)
      for (int c = 0; c < cols; ++c)
        t[c] += horizontal[static_cast<std::size_t>(k)] * padded[static_cast<std::size_t>(c + k)];
  }
  // Along columns: whole rows of the first pass, weighted.
  for (int r = 0; r < rows; ++r) {
    double* o = &out[static_cast<std::size_t>(r) * cols];
    for (int k = 0; k < vTaps; ++k) {
      int rr = r + k - vFirst;
      if (rr < 0 || rr >= rows) {
        if (!replicate) continue;
        rr = std::clamp(rr, 0, rows - 1);
      }
      const double* t = &tmp[static_cast<std::size_t>(rr) * cols];
      for (int c = 0; c < cols; ++c) o[c] += vertical[static_cast<std::size_t>(k)] * t[c];
    }
  }
  return out;
}

}  // namespace hsifuse
