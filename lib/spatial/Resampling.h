#pragma once
// Spatial resampling between the LR and HR grids by an integer factor s, with the sampling phase of
// Degradation.h: LR pixel i is centred on HR coordinate s*i + (s-1)/2 (PyTorch's
// align_corners=False convention, which UAL's code uses for its bilinear upsampling).
#include "lib/core/Cube.h"
#include "lib/core/WindowSource.h"

namespace hsifuse {

enum class Interpolation { Bilinear, Bicubic };

// LR -> HR: rows*s x cols*s. Borders are clamped (edge replication). Bicubic uses a = -0.75.
Cube upsample(const Cube& lr, int scale, Interpolation method);
// The pixels `hr` (a window of the HR grid, rows*s x cols*s) of upsample(lr, scale, method), computed from
// the few LR pixels under it: equal to cropping the whole upsampled cube, for tiles of a scene too big to
// upsample at once.
Cube upsampleWindow(const Cube& lr, int scale, Interpolation method, const Window& hr);
// The LR pixels (of an lrRows x lrCols grid) that the HR window `hr` interpolates from.
Window upsamplingContext(int lrRows, int lrCols, int scale, const Window& hr);
// The same from a scene read window by window (only the LR pixels under `hr` are read).
Cube upsampleWindow(const WindowSource& lr, int scale, Interpolation method, const Window& hr);
// The cube's content moved by (dx, dy) pixels (right, down; sub-pixel, bicubic, borders clamped):
// out(r, c) = in(r - dy, c - dx).
Cube shifted(const Cube& c, double dx, double dy);
// The window `w` of the cube's endless mirrored repetition (..., flipped, c, flipped, c, ...): a large test scene
// from a small real cube, without seams.
Cube mirrorTiled(const Cube& c, const Window& w);
// HR -> LR: the mean of each s x s block (floor(rows/s) x floor(cols/s)).
Cube blockMean(const Cube& hr, int scale);

}  // namespace hsifuse
