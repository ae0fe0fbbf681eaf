#pragma once
// A band-major float32 cube: value(b, r, c) = data[(b * rows + r) * cols + c].
// Band-major matches GDAL's band-sequential reads and the (bands, rows, cols) layout of the networks.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "lib/core/Window.h"

namespace hsifuse {

struct Cube {
  int bands = 0;
  int rows = 0;
  int cols = 0;
  std::vector<float> data;

  Cube() = default;
  Cube(int bands_, int rows_, int cols_, float fill = 0.0f)
      : bands(bands_), rows(rows_), cols(cols_), data(static_cast<std::size_t>(bands_) * rows_ * cols_, fill) {}

  std::size_t planeSize() const { return static_cast<std::size_t>(rows) * cols; }
  std::size_t size() const { return data.size(); }
  float* band(int b) { return data.data() + b * planeSize(); }
  const float* band(int b) const { return data.data() + b * planeSize(); }
  float& at(int b, int r, int c) { return data[(b * static_cast<std::size_t>(rows) + r) * cols + c]; }
  float at(int b, int r, int c) const { return data[(b * static_cast<std::size_t>(rows) + r) * cols + c]; }

  // The largest absolute value (0 for an empty cube): the scale the networks work at.
  float peak() const {
    float p = 0;
    for (float v : data) p = std::max(p, std::fabs(v));
    return p;
  }
  void scale(float factor) {
    for (float& v : data) v *= factor;
  }
  // The bands flagged in `keep` (one flag per band), in order.
  Cube bandsFlagged(const std::vector<bool>& keep) const {
    int n = 0;
    for (int b = 0; b < bands; ++b) n += keep[b];
    Cube out(n, rows, cols);
    for (int b = 0, k = 0; b < bands; ++b)
      if (keep[b]) std::copy_n(band(b), planeSize(), out.band(k++));
    return out;
  }
  // All bands over `w` (which must lie inside the cube).
  Cube crop(const Window& w) const {
    Cube out(bands, w.height, w.width);
    for (int b = 0; b < bands; ++b)
      for (int r = 0; r < w.height; ++r)
        std::copy_n(&data[(static_cast<std::size_t>(b) * rows + w.row + r) * cols + w.col], w.width,
                    &out.data[(static_cast<std::size_t>(b) * w.height + r) * w.width]);
    return out;
  }
};

}  // namespace hsifuse
