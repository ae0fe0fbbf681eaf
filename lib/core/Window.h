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

}  // namespace hsifuse
