#include "lib/spatial/Resampling.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "lib/core/Error.h"

namespace hsifuse {
namespace {

// Source taps and weights of one output coordinate along one axis.
struct Taps {
  std::array<int, 4> index{};
  std::array<double, 4> weight{};
  int count = 0;
};

double cubic(double x, double a = -0.75) {
  x = std::fabs(x);
  if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
  return 0;
}

std::vector<Taps> axisTaps(int lrSize, int scale, Interpolation method) {
  std::vector<Taps> taps(static_cast<std::size_t>(lrSize) * scale);
  for (int o = 0; o < lrSize * scale; ++o) {
    const double src = (o + 0.5) / scale - 0.5;
    Taps& t = taps[o];
    if (method == Interpolation::Bilinear) {
      const double s = std::max(0.0, src);
      const int i0 = std::min(static_cast<int>(std::floor(s)), lrSize - 1);
      const int i1 = std::min(i0 + 1, lrSize - 1);
      const double f = s - i0;
      t.index = {i0, i1, 0, 0};
      t.weight = {1 - f, f, 0, 0};
      t.count = 2;
    } else {
      const int i0 = static_cast<int>(std::floor(src));
      const double f = src - i0;
      for (int k = 0; k < 4; ++k) {
        t.index[k] = std::clamp(i0 - 1 + k, 0, lrSize - 1);
        t.weight[k] = cubic(f - (k - 1));
      }
      t.count = 4;
    }
  }
  return taps;
}

}  // namespace

Cube upsample(const Cube& lr, int scale, Interpolation method) {
  if (scale < 1) throw InputError("the scale must be at least 1");
  const auto rowTaps = axisTaps(lr.rows, scale, method), colTaps = axisTaps(lr.cols, scale, method);
  Cube hr(lr.bands, lr.rows * scale, lr.cols * scale);
  std::vector<double> tmp(static_cast<std::size_t>(lr.rows) * hr.cols);
  for (int b = 0; b < lr.bands; ++b) {
    const float* src = lr.band(b);
    for (int r = 0; r < lr.rows; ++r)
      for (int c = 0; c < hr.cols; ++c) {
        const Taps& t = colTaps[c];
        double s = 0;
        for (int k = 0; k < t.count; ++k) s += t.weight[k] * src[static_cast<std::size_t>(r) * lr.cols + t.index[k]];
        tmp[static_cast<std::size_t>(r) * hr.cols + c] = s;
      }
    float* dst = hr.band(b);
    for (int r = 0; r < hr.rows; ++r) {
      const Taps& t = rowTaps[r];
      for (int c = 0; c < hr.cols; ++c) {
        double s = 0;
        for (int k = 0; k < t.count; ++k) s += t.weight[k] * tmp[static_cast<std::size_t>(t.index[k]) * hr.cols + c];
        dst[static_cast<std::size_t>(r) * hr.cols + c] = static_cast<float>(s);
      }
    }
  }
  return hr;
}

Window upsamplingContext(int lrRows, int lrCols, int scale, const Window& hr) {
  // HR pixel o interpolates LR taps floor((o + 0.5) / s - 0.5) - 1 .. + 2: two LR pixels of context on each
  // side cover them, and where the context is cut it is cut at the scene border, which the whole-scene
  // upsampling clamps the same way.
  const int r0 = std::max(0, hr.row / scale - 2), r1 = std::min(lrRows, (hr.row + hr.height - 1) / scale + 3);
  const int c0 = std::max(0, hr.col / scale - 2), c1 = std::min(lrCols, (hr.col + hr.width - 1) / scale + 3);
  return {c0, r0, c1 - c0, r1 - r0};
}

Cube upsampleWindow(const WindowSource& lr, int scale, Interpolation method, const Window& hr) {
  if (scale < 1) throw InputError("the scale must be at least 1");
  if (hr.col < 0 || hr.row < 0 || hr.col + hr.width > lr.cols * scale || hr.row + hr.height > lr.rows * scale ||
      hr.empty())
    throw Error("upsampleWindow: the window leaves the HR grid");
  const Window context = upsamplingContext(lr.rows, lr.cols, scale, hr);
  const Cube up = upsample(lr.read(context), scale, method);
  return up.crop({hr.col - context.col * scale, hr.row - context.row * scale, hr.width, hr.height});
}

Cube upsampleWindow(const Cube& lr, int scale, Interpolation method, const Window& hr) {
  return upsampleWindow(WindowSource::ofCube(lr), scale, method, hr);
}

Cube blockMean(const Cube& hr, int scale) {
  if (scale < 1) throw InputError("the scale must be at least 1");
  Cube lr(hr.bands, hr.rows / scale, hr.cols / scale);
  const double inv = 1.0 / (double(scale) * scale);
  for (int b = 0; b < hr.bands; ++b)
    for (int i = 0; i < lr.rows; ++i)
      for (int j = 0; j < lr.cols; ++j) {
        double s = 0;
        for (int u = 0; u < scale; ++u)
          for (int v = 0; v < scale; ++v) s += hr.at(b, scale * i + u, scale * j + v);
        lr.at(b, i, j) = static_cast<float>(s * inv);
      }
  return lr;
}

Cube shifted(const Cube& c, double dx, double dy) {
  // Bicubic taps at source coordinate o - shift, borders clamped.
  auto taps = [](int n, double shift) {
    std::vector<Taps> out(n);
    for (int o = 0; o < n; ++o) {
      const double src = o - shift;
      const int i0 = static_cast<int>(std::floor(src));
      const double f = src - i0;
      for (int k = 0; k < 4; ++k) {
        out[o].index[k] = std::clamp(i0 - 1 + k, 0, n - 1);
        out[o].weight[k] = cubic(f - (k - 1));
      }
      out[o].count = 4;
    }
    return out;
  };
  const auto rowTaps = taps(c.rows, dy), colTaps = taps(c.cols, dx);
  Cube out(c.bands, c.rows, c.cols);
  std::vector<double> tmp(c.planeSize());
  for (int b = 0; b < c.bands; ++b) {
    const float* src = c.band(b);
    for (int r = 0; r < c.rows; ++r)
      for (int col = 0; col < c.cols; ++col) {
        const Taps& t = colTaps[col];
        double s = 0;
        for (int k = 0; k < 4; ++k) s += t.weight[k] * src[static_cast<std::size_t>(r) * c.cols + t.index[k]];
        tmp[static_cast<std::size_t>(r) * c.cols + col] = s;
      }
    float* dst = out.band(b);
    for (int r = 0; r < c.rows; ++r) {
      const Taps& t = rowTaps[r];
      for (int col = 0; col < c.cols; ++col) {
        double s = 0;
        for (int k = 0; k < 4; ++k) s += t.weight[k] * tmp[static_cast<std::size_t>(t.index[k]) * c.cols + col];
        dst[static_cast<std::size_t>(r) * c.cols + col] = static_cast<float>(s);
      }
    }
  }
  return out;
}

Cube mirrorTiled(const Cube& c, const Window& w) {
  auto mirror = [](int i, int n) {
    const int period = 2 * n;
    i = ((i % period) + period) % period;
    return i < n ? i : period - 1 - i;
  };
  Cube out(c.bands, w.height, w.width);
  for (int b = 0; b < c.bands; ++b)
    for (int r = 0; r < w.height; ++r)
      for (int col = 0; col < w.width; ++col)
        out.at(b, r, col) = c.at(b, mirror(w.row + r, c.rows), mirror(w.col + col, c.cols));
  return out;
}

}  // namespace hsifuse
