#include "lib/spatial/TilePlan.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "lib/core/Error.h"

namespace hsifuse {
namespace {

// Starts and lengths of cores along one axis: n pixels in pieces of `size` rounded down to a multiple of align (at
// least align) from 0, the last piece holding what is left. Core edges then fall on multiples of that side, so an
// output written in blocks of the same side gets each block whole, once: with evenly spread cores (330 and 375 HR
// pixels of a 990 x 750 scene) GDAL flushed partly filled DEFLATE blocks and compressed them again later, and the
// file held 2.4 times its data.
std::vector<std::pair<int, int>> axisCores(int n, int size, int align) {
  const int step = std::max(1, size / align) * align;
  std::vector<std::pair<int, int>> out;
  for (int start = 0; start < n; start += step) out.emplace_back(start, std::min(step, n - start));
  return out;
}

}  // namespace

TilePlan::TilePlan(int rows, int cols, int tileSize, int halo, int align) : rows_(rows), cols_(cols), halo_(halo) {
  if (rows <= 0 || cols <= 0) throw Error("tile plan over an empty grid");
  if (tileSize < 1 || halo < 0 || align < 1) throw InputError(fmt::format("--tile {} is too small", tileSize));
  for (const auto& [r0, h] : axisCores(rows, tileSize, align))
    for (const auto& [c0, w] : axisCores(cols, tileSize, align)) {
      Tile t;
      t.core = {c0, r0, w, h};
      const int rr0 = std::max(0, r0 - halo), cc0 = std::max(0, c0 - halo);
      const int rr1 = std::min(rows, r0 + h + halo), cc1 = std::min(cols, c0 + w + halo);
      t.read = {cc0, rr0, cc1 - cc0, rr1 - rr0};
      tiles_.push_back(t);
    }
}

std::size_t TilePlan::largestReadPixels() const {
  std::size_t best = 0;
  for (const Tile& t : tiles_) best = std::max(best, static_cast<std::size_t>(t.read.width) * t.read.height);
  return best;
}

Cube runTiled(const TilePlan& plan, int bands, const std::function<Cube(const Tile&)>& process,
              const ProgressFn& progress, const std::string& stage) {
  Cube out(bands, plan.rows(), plan.cols());
  const auto& tiles = plan.tiles();
  for (std::size_t i = 0; i < tiles.size(); ++i) {
    const Tile& t = tiles[i];
    const Cube piece = process(t);
    if (piece.bands != bands || piece.rows != t.read.height || piece.cols != t.read.width)
      throw Error(fmt::format("a tile came back {}x{}x{}, expected {}x{}x{}", piece.bands, piece.rows, piece.cols,
                              bands, t.read.height, t.read.width));
    const int dr = t.core.row - t.read.row, dc = t.core.col - t.read.col;
    for (int b = 0; b < bands; ++b)
      for (int r = 0; r < t.core.height; ++r)
        std::copy_n(&piece.data[(static_cast<std::size_t>(b) * piece.rows + dr + r) * piece.cols + dc], t.core.width,
                    &out.data[(static_cast<std::size_t>(b) * out.rows + t.core.row + r) * out.cols + t.core.col]);
    if (progress && !progress(double(i + 1) / tiles.size(), stage)) throw Interrupted();
  }
  return out;
}

int tileSizeForBudget(double budgetBytes, double bytesPerPixel, int halo, int align) {
  const double side = std::sqrt(std::max(0.0, budgetBytes) / std::max(bytesPerPixel, 1e-9)) - 2.0 * halo;
  const int aligned = static_cast<int>(std::floor(side / align)) * align;
  return std::max(align, aligned);
}

Window centralWindow(int rows, int cols, int s, double maxPixels) {
  if (double(rows) * cols <= maxPixels) return {0, 0, cols, rows};
  const int side = std::max(s, static_cast<int>(std::sqrt(maxPixels)) / s * s);
  const int h = std::min(rows / s * s, side),
            w = std::min(cols / s * s, std::max(s, static_cast<int>(maxPixels / h) / s * s));
  return {(cols - w) / 2 / s * s, (rows - h) / 2 / s * s, w, h};
}

}  // namespace hsifuse
