#pragma once
// Tiles over the HR grid, so that the networks run on pieces whose memory follows the tile size, not
// the scene size. Each tile has a core (the pixels it produces; cores partition the scene, their
// origins are multiples of the scale s, so a core covers whole LR pixels) and a read window: the core
// grown by a halo of context on every side, clipped to the scene. When the halo is at least the
// receptive-field radius of the network, a core computed from its read window equals the same pixels of
// a whole-scene run (the convolutions' zero padding then only touches pixels outside the core, or the
// scene border, where the whole-scene run pads the same way), so the cores join without seams and no
// blending is needed; tests/test_fusion_model.cpp and tests/test_adaptation.cpp (Tiles.*) check tiled against
// whole-scene inference.
#include <functional>
#include <vector>

#include "lib/core/Cube.h"
#include "lib/core/Progress.h"
#include "lib/core/Window.h"

namespace hsifuse {

struct Tile {
  Window core;
  Window read;
};

class TilePlan {
 public:
  // Cores of tileSize x tileSize pixels (rounded down to a multiple of `align`, at least `align`) from the grid's
  // top-left corner, those of the last row and column holding what is left; `halo` pixels of context around each.
  TilePlan(int rows, int cols, int tileSize, int halo, int align = 1);
  const std::vector<Tile>& tiles() const { return tiles_; }
  int rows() const { return rows_; }
  int cols() const { return cols_; }
  int halo() const { return halo_; }
  // The largest read window, in pixels (what one tile holds in memory).
  std::size_t largestReadPixels() const;

 private:
  int rows_, cols_, halo_;
  std::vector<Tile> tiles_;
};

// Runs `process` on every tile (it gets the tile and returns `bands` x read.height x read.width) and
// assembles the cores into one bands x rows x cols cube. Progress goes from 0 to 1 over the tiles.
Cube runTiled(const TilePlan& plan, int bands, const std::function<Cube(const Tile&)>& process,
              const ProgressFn& progress = {}, const std::string& stage = "tiles");

// The tile side that keeps one tile's working set under `budgetBytes`, given the bytes a network needs
// per pixel of its read window: the largest multiple of `align` with (side + 2 halo)^2 * bytesPerPixel
// within the budget (at least `align`).
int tileSizeForBudget(double budgetBytes, double bytesPerPixel, int halo, int align);

// The tile side (HR pixels, rounded down to a multiple of s) of every network pass when the budget allows it:
// one side whatever --ram, since convolutions round differently on differently sized tensors. 192 is a multiple
// of s = 2, 3, 4, 6, 8, 12, 16; it costs about 10 % more halo than 384 at the shipped modules' radius.
inline constexpr int kNetworkTileHr = 192;

// The central window of a rows x cols grid, aligned to `align`, holding at most `maxPixels` pixels (the whole grid
// when it fits): where a job computes what it cannot afford on the whole scene.
Window centralWindow(int rows, int cols, int align, double maxPixels);

}  // namespace hsifuse
