#include "pipeline/SceneWindows.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "lib/core/MemoryCeiling.h"
#include "lib/spatial/Resampling.h"

namespace hsifuse {
namespace {

// The tiles of the first stage read these sources row by row, each with its halo (bicubic context, the low-pass
// kernel): strips of rows, each read once with this margin, so that a compressed file's blocks are decoded about
// once per row of tiles (kSceneStripBytes at most a strip; a 128-band LR strip of 84 rows is 57 MB at 1320 columns).
constexpr int kStripMarginLr = 8;

Cube readLr(const SceneReading& s, const Window& w) {
  // The shift's bicubic taps reach floor(shift) + 2 pixels beyond the window; the scene's border clamps them as
  // shifted() clamps the held cube's.
  const int halo =
      s.lrShift ? static_cast<int>(std::ceil(std::max(std::fabs(s.lrShift->first), std::fabs(s.lrShift->second)))) + 2
                : 0;
  const Window read = grownWithin(w, halo, s.lrWin.height, s.lrWin.width);
  Cube c = s.lr->readWindow(offsetBy(read, s.lrWin), s.lrBands);
  fillInvalid(c, validPixels(c, s.lrNodata), s.lrFill);
  c.scale(1.0f / s.peak);
  if (s.lrShift) c = shifted(c, s.lrShift->first, s.lrShift->second);
  return read == w ? c : c.crop({w.col - read.col, w.row - read.row, w.width, w.height});
}

Cube readHr(const SceneReading& s, const Window& w) {
  Cube c = s.msi->readWindow(offsetBy(w, s.hrWin), s.msiBands);
  fillInvalid(c, msiValidPixels(s, c, w), s.msiFill);
  for (int b = 0; b < c.bands; ++b) {
    float* x = c.band(b);
    for (std::size_t i = 0; i < c.planeSize(); ++i) x[i] = static_cast<float>(x[i] * s.gains[b]);
  }
  return c;
}

}  // namespace

PixelMask msiValidPixels(const SceneReading& s, const Cube& cube, const Window& w) {
  PixelMask valid = validPixels(cube, s.msiNodata);
  if (!s.msiMask) return valid;
  const Cube mask = s.msiMask->readWindow(offsetBy(w, s.hrWin));
  for (std::size_t i = 0; i < valid.size(); ++i)
    if (mask.data[i] != 0) valid[i] = 0;
  return valid;
}

WindowSource lrSceneWindows(std::shared_ptr<const SceneReading> reading) {
  const SceneReading& s = *reading;
  return stripCached({static_cast<int>(s.lrBands.size()), s.lrWin.height, s.lrWin.width,
                      [reading](const Window& w) { return readLr(*reading, w); }},
                     kStripMarginLr, kSceneStripBytes);
}

WindowSource hrSceneWindows(std::shared_ptr<const SceneReading> reading) {
  const SceneReading& s = *reading;
  return stripCached({static_cast<int>(s.msiBands.size()), s.hrWin.height, s.hrWin.width,
                      [reading](const Window& w) { return readHr(*reading, w); }},
                     kStripMarginLr * s.scale, kSceneStripBytes);
}

SceneMasks sceneMasks(const SceneReading& s) {
  SceneMasks m;
  const int cols = s.lrWin.width, hrCols = s.hrWin.width;
  requireMemory(double(s.hrWin.width) * s.hrWin.height + double(s.lrWin.width) * s.lrWin.height, 1,
                fmt::format("{}: {} x {} mask values", s.msi->info().path, s.hrWin.width, s.hrWin.height),
                " at one byte each");
  m.lrValid.reserve(static_cast<std::size_t>(s.lrWin.height) * cols);
  m.hrValid.reserve(static_cast<std::size_t>(s.hrWin.height) * hrCols);
  // Strips of about 8 M values of the wider read (the MSI's s x s pixels per LR pixel, or the HSI's bands).
  const double valuesPerLrRow =
      double(cols) * std::max<double>(s.lrBands.size(), double(s.msiBands.size()) * s.scale * s.scale);
  const int rows = std::max(1, static_cast<int>(8e6 / std::max(1.0, valuesPerLrRow)));
  for (int r = 0; r < s.lrWin.height; r += rows) {
    const Window lr{0, r, cols, std::min(rows, s.lrWin.height - r)};
    const Window hr{0, r * s.scale, hrCols, lr.height * s.scale};
    const PixelMask lrValid = validPixels(s.lr->readWindow(offsetBy(lr, s.lrWin), s.lrBands), s.lrNodata);
    const PixelMask hrValid = withLrMask(msiValidPixels(s, s.msi->readWindow(offsetBy(hr, s.hrWin), s.msiBands), hr),
                                         hrCols, lrValid, cols, s.scale);
    m.lrValid.insert(m.lrValid.end(), lrValid.begin(), lrValid.end());
    m.hrValid.insert(m.hrValid.end(), hrValid.begin(), hrValid.end());
  }
  m.lrInvalid = static_cast<std::size_t>(std::count(m.lrValid.begin(), m.lrValid.end(), 0));
  m.hrInvalid = static_cast<std::size_t>(std::count(m.hrValid.begin(), m.hrValid.end(), 0));
  if (m.lrInvalid == 0) m.lrValid.clear();
  if (m.hrInvalid == 0) m.hrValid.clear();
  return m;
}

}  // namespace hsifuse
