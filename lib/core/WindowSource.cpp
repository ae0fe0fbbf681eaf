#include "lib/core/WindowSource.h"

#include <algorithm>
#include <memory>

#include "lib/core/Error.h"

namespace hsifuse {

WindowSource WindowSource::ofCube(const Cube& c) {
  return {c.bands, c.rows, c.cols, [&c](const Window& w) { return c.crop(w); }};
}

WindowSource stripCached(WindowSource source, int margin, double maxBytes) {
  struct Strip {
    int row = 0, rows = 0;
    Cube cube;
  };
  auto strip = std::make_shared<Strip>();
  const int bands = source.bands, height = source.rows, width = source.cols;
  return {bands, height, width, [source, strip, margin, maxBytes](const Window& w) {
            if (w.row >= strip->row && w.row + w.height <= strip->row + strip->rows && strip->rows > 0)
              return strip->cube.crop({w.col, w.row - strip->row, w.width, w.height});
            const int r0 = std::max(0, w.row - margin), r1 = std::min(source.rows, w.row + w.height + margin);
            if (4.0 * source.bands * double(source.cols) * (r1 - r0) > maxBytes) return source.read(w);
            strip->cube = Cube();  // the old strip goes before the new one is read
            strip->rows = 0;
            strip->cube = source.read({0, r0, source.cols, r1 - r0});
            strip->row = r0;
            strip->rows = r1 - r0;
            return strip->cube.crop({w.col, w.row - r0, w.width, w.height});
          }};
}

Cube readReplicated(const WindowSource& source, const Window& w) {
  const int r0 = std::clamp(w.row, 0, source.rows - 1), r1 = std::clamp(w.row + w.height, r0 + 1, source.rows);
  const int c0 = std::clamp(w.col, 0, source.cols - 1), c1 = std::clamp(w.col + w.width, c0 + 1, source.cols);
  const Window inside{c0, r0, c1 - c0, r1 - r0};
  if (inside == w) return source.read(w);
  const Cube in = source.read(inside);
  Cube out(in.bands, w.height, w.width);
  for (int b = 0; b < in.bands; ++b)
    for (int r = 0; r < w.height; ++r) {
      const int rr = std::clamp(w.row + r, r0, r1 - 1) - r0;
      const float* src = in.band(b) + static_cast<std::size_t>(rr) * in.cols;
      float* dst = out.band(b) + static_cast<std::size_t>(r) * w.width;
      for (int c = 0; c < w.width; ++c) dst[c] = src[std::clamp(w.col + c, c0, c1 - 1) - c0];
    }
  return out;
}

void pasteOverlap(const Cube& piece, const Window& pw, Cube& target, const Window& tw) {
  const int c0 = std::max(pw.col, tw.col), c1 = std::min(pw.col + pw.width, tw.col + tw.width);
  const int r0 = std::max(pw.row, tw.row), r1 = std::min(pw.row + pw.height, tw.row + tw.height);
  if (c0 >= c1 || r0 >= r1) return;
  if (piece.bands != target.bands) throw Error("pasteOverlap: the band counts differ");
  for (int b = 0; b < piece.bands; ++b)
    for (int r = r0; r < r1; ++r)
      std::copy_n(piece.band(b) + static_cast<std::size_t>(r - pw.row) * pw.width + (c0 - pw.col), c1 - c0,
                  target.band(b) + static_cast<std::size_t>(r - tw.row) * tw.width + (c0 - tw.col));
}

WindowSink collectInto(Cube& out) {
  return [&out](const Window& w, const Cube& piece) {
    if (piece.bands != out.bands || w.col < 0 || w.row < 0 || w.col + w.width > out.cols || w.row + w.height > out.rows)
      throw Error("collectInto: a window does not fit the cube");
    pasteOverlap(piece, w, out, {0, 0, out.cols, out.rows});
  };
}

}  // namespace hsifuse
