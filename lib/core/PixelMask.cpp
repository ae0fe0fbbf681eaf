#include "lib/core/PixelMask.h"

#include <algorithm>
#include <cmath>

#include "lib/core/Error.h"

namespace hsifuse {

bool allValid(const PixelMask& m) {
  return std::all_of(m.begin(), m.end(), [](std::uint8_t v) { return v != 0; });
}

PixelMask validPixels(const Cube& cube, const std::vector<std::optional<double>>& nodata) {
  PixelMask m(cube.planeSize(), 1);
  for (int b = 0; b < cube.bands; ++b) {
    const std::optional<double> value = b < static_cast<int>(nodata.size()) ? nodata[b] : std::nullopt;
    const float* x = cube.band(b);
    for (std::size_t i = 0; i < cube.planeSize(); ++i)
      if (!std::isfinite(x[i]) || (value && (x[i] == static_cast<float>(*value)))) m[i] = 0;
  }
  return m;
}

std::vector<int> emptyBands(const Cube& cube, const std::vector<std::optional<double>>& nodata) {
  std::vector<int> out;
  for (int b = 0; b < cube.bands; ++b) {
    const std::optional<double> value = b < static_cast<int>(nodata.size()) ? nodata[b] : std::nullopt;
    const float* x = cube.band(b);
    bool any = false;
    for (std::size_t i = 0; i < cube.planeSize() && !any; ++i)
      any = std::isfinite(x[i]) && !(value && x[i] == static_cast<float>(*value));
    if (!any) out.push_back(b);
  }
  return out;
}

std::vector<float> bandMeansOver(const Cube& cube, const PixelMask& valid) {
  const std::size_t count =
      valid.empty() ? cube.planeSize() : static_cast<std::size_t>(std::count(valid.begin(), valid.end(), 1));
  std::vector<float> means(cube.bands, 0.0f);
  if (count == 0) return means;
  for (int b = 0; b < cube.bands; ++b) {
    const float* x = cube.band(b);
    double mean = 0;
    for (std::size_t i = 0; i < cube.planeSize(); ++i)
      if (valid.empty() || valid[i]) mean += x[i];
    means[b] = static_cast<float>(mean / count);
  }
  return means;
}

void fillInvalid(Cube& cube, const PixelMask& valid, const std::vector<float>& values) {
  if (valid.empty()) return;
  for (int b = 0; b < cube.bands; ++b) {
    float* x = cube.band(b);
    for (std::size_t i = 0; i < cube.planeSize(); ++i)
      if (!valid[i]) x[i] = values[b];
  }
}

std::size_t fillInvalidWithBandMeans(Cube& cube, const PixelMask& valid) {
  const std::size_t count = static_cast<std::size_t>(std::count(valid.begin(), valid.end(), 1));
  if (count == 0 || count == cube.planeSize()) return count;
  fillInvalid(cube, valid, bandMeansOver(cube, valid));
  return count;
}

PixelMask combineMasks(const PixelMask& a, const PixelMask& b) {
  PixelMask m = a.empty() ? b : a;
  if (!a.empty() && !b.empty())
    for (std::size_t i = 0; i < m.size(); ++i) m[i] = a[i] && b[i];
  if (allValid(m)) m.clear();
  return m;
}

PixelMask withLrMask(PixelMask hr, int cols, const PixelMask& lr, int lrCols, int scale) {
  const int rows = cols > 0 ? static_cast<int>(hr.size() / cols) : 0;
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c)
      hr[static_cast<std::size_t>(r) * cols + c] &= lr[static_cast<std::size_t>(r / scale) * lrCols + c / scale];
  return hr;
}

PixelMask withHrMask(PixelMask lr, int lrCols, const PixelMask& hr, int scale) {
  if (hr.empty()) return lr;
  const std::size_t hrCols = static_cast<std::size_t>(lrCols) * scale;
  if (lr.empty()) lr.assign(hr.size() / (hrCols * scale) * lrCols, 1);
  for (std::size_t i = 0; i < hr.size(); ++i)
    if (!hr[i]) lr[i / (hrCols * scale) * lrCols + (i % hrCols) / scale] = 0;
  if (allValid(lr)) lr.clear();
  return lr;
}

bool allInvalid(const PixelMask& mask, int cols, const Window& w) {
  if (mask.empty()) return false;
  for (int r = w.row; r < w.row + w.height; ++r)
    for (int c = w.col; c < w.col + w.width; ++c)
      if (mask[static_cast<std::size_t>(r) * cols + c]) return false;
  return true;
}

Window nanFreeInterior(const Cube& y) {
  int r0 = 0, c0 = 0, r1 = y.rows, c1 = y.cols;
  auto nanCount = [&](int ra, int rb, int ca, int cb) {
    int n = 0;
    for (int b = 0; b < y.bands; ++b)
      for (int r = ra; r < rb; ++r)
        for (int c = ca; c < cb; ++c) n += std::isnan(y.at(b, r, c));
    return n;
  };
  while (r1 - r0 >= 2 && c1 - c0 >= 2) {
    const int top = nanCount(r0, r0 + 1, c0, c1), bottom = nanCount(r1 - 1, r1, c0, c1);
    const int left = nanCount(r0, r1, c0, c0 + 1), right = nanCount(r0, r1, c1 - 1, c1);
    const int worst = std::max({top, bottom, left, right});
    if (worst == 0) break;
    if (worst == top)
      ++r0;
    else if (worst == bottom)
      --r1;
    else if (worst == left)
      ++c0;
    else
      --c1;
  }
  if (nanCount(r0, r1, c0, c1) > 0) return {0, 0, 0, 0};
  return {c0, r0, c1 - c0, r1 - r0};
}

std::size_t countPixelsEqualTo(const Cube& cube, float value) {
  std::vector<std::uint8_t> all(cube.planeSize(), 1);
  for (int b = 0; b < cube.bands; ++b) {
    const float* v = cube.band(b);
    for (std::size_t i = 0; i < all.size(); ++i) all[i] &= v[i] == value ? 1 : 0;
  }
  return static_cast<std::size_t>(std::count(all.begin(), all.end(), 1));
}

ValidArea::ValidArea(const PixelMask& mask, int rows, int cols)
    : rows_(rows), cols_(cols), total_(static_cast<std::size_t>(rows) * cols) {
  if (mask.empty()) return;
  if (mask.size() != total_) throw Error("ValidArea: the mask does not match its grid");
  const std::size_t w = static_cast<std::size_t>(cols) + 1;
  sums_.assign((static_cast<std::size_t>(rows) + 1) * w, 0);
  for (int r = 0; r < rows; ++r) {
    std::size_t run = 0;
    for (int c = 0; c < cols; ++c) {
      run += mask[static_cast<std::size_t>(r) * cols + c] ? 1 : 0;
      sums_[(r + 1) * w + c + 1] = sums_[r * w + c + 1] + run;
    }
  }
  total_ = sums_.back();
}

std::size_t ValidArea::count(const Window& win) const {
  const int r0 = std::clamp(win.row, 0, rows_), r1 = std::clamp(win.row + win.height, 0, rows_);
  const int c0 = std::clamp(win.col, 0, cols_), c1 = std::clamp(win.col + win.width, 0, cols_);
  if (r1 <= r0 || c1 <= c0) return 0;
  if (sums_.empty()) return static_cast<std::size_t>(r1 - r0) * (c1 - c0);
  const std::size_t w = static_cast<std::size_t>(cols_) + 1;
  return sums_[r1 * w + c1] - sums_[r0 * w + c1] - sums_[r1 * w + c0] + sums_[r0 * w + c0];
}

double ValidArea::fraction(const Window& win) const {
  const double area = double(std::max(0, win.width)) * std::max(0, win.height);
  return area > 0 ? double(count(win)) / area : 0.0;
}

}  // namespace hsifuse
