#pragma once
// A rectangle of pixels: columns [col, col + width), rows [row, row + height).
namespace hsifuse {

struct Window {
  int col = 0;
  int row = 0;
  int width = 0;
  int height = 0;
  bool empty() const { return width <= 0 || height <= 0; }
  bool operator==(const Window& o) const {
    return col == o.col && row == o.row && width == o.width && height == o.height;
  }
};

// The same area on a grid `s` times finer (LR pixels -> HR pixels).
inline Window scaledBy(const Window& w, int s) {
  return {w.col * s, w.row * s, w.width * s, w.height * s};
}
// `w`, given relative to the corner of `origin`, on origin's own grid (a window of a scene -> of its file).
inline Window offsetBy(const Window& w, const Window& origin) {
  return {origin.col + w.col, origin.row + w.row, w.width, w.height};
}
// `w` grown by `halo` on each side, cut to a rows x cols grid.
inline Window grownWithin(const Window& w, int halo, int rows, int cols) {
  const int c0 = w.col - halo > 0 ? w.col - halo : 0, r0 = w.row - halo > 0 ? w.row - halo : 0;
  const int c1 = w.col + w.width + halo < cols ? w.col + w.width + halo : cols;
  const int r1 = w.row + w.height + halo < rows ? w.row + w.height + halo : rows;
  return {c0, r0, c1 - c0, r1 - r0};
}

}  // namespace hsifuse
