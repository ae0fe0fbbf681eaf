#pragma once
// A cube on a grid too big to hold, handed out window by window: read from a file, computed on demand (a
// classical fusion, a network tile), or cropped from memory. The streaming stages of `fuse` pass these
// instead of whole cubes, so their memory follows the window, not the scene.
#include <functional>

#include "lib/core/Cube.h"
#include "lib/core/Window.h"

namespace hsifuse {

struct WindowSource {
  int bands = 0, rows = 0, cols = 0;
  std::function<Cube(const Window&)> read;  // bands x w.height x w.width; w lies inside the grid

  // Crops of `c`, which must outlive the source.
  static WindowSource ofCube(const Cube& c);
};

// `source` behind a cache of one strip of whole rows: a window inside the strip is cropped from it, any other reads
// the strip of rows around it (`margin` rows more above and below) unless that strip would pass `maxBytes` (then the
// window alone is read). For sources that are slow to read window by window (a compressed file) and are read tile
// by tile along rows, with halos: each block is then decoded about once per row of tiles, not once per tile.
WindowSource stripCached(WindowSource source, int margin, double maxBytes);

// The window `w` of the source's grid, which may reach outside it: pixels outside repeat the nearest edge
// pixel (replicate padding), as if the whole scene had been padded once.
Cube readReplicated(const WindowSource& source, const Window& w);

// Receives an output window by window (`cube` holds every band over `window`).
using WindowSink = std::function<void(const Window& window, const Cube& cube)>;

// Copies the pixels where `pieceWindow` (the grid position of `piece`) and `targetWindow` (that of `target`)
// overlap; nothing when they do not.
void pasteOverlap(const Cube& piece, const Window& pieceWindow, Cube& target, const Window& targetWindow);

// A sink that assembles the windows into `out` (allocated bands x rows x cols by the caller).
WindowSink collectInto(Cube& out);

}  // namespace hsifuse
