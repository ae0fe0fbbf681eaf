#pragma once
// How a low-resolution HSI grid relates to a high-resolution MSI grid: the resolution ratio, how
// close it is to an integer, and the overlap of the two footprints expressed on the HR grid.
#include <optional>
#include <string>

#include "geo/RasterInfo.h"
#include "lib/core/Window.h"

namespace hsifuse {

// A ratio within this relative distance of an integer is taken as that integer (1 %).
constexpr double kIntegerRatioTolerance = 0.01;

struct GridRelation {
  std::string method;  // "georeferenced", "georeferenced (LR reprojected to the HR CRS)", "pixel grids (no CRS)"
  double ratioX = 0;   // LR pixel size / HR pixel size
  double ratioY = 0;
  int scale = 0;  // the rounded ratio, when both ratios agree and are near an integer; else 0
  bool sameCrs = true;
  std::optional<Window> overlapHr;  // overlap on the HR grid (pixels); absent when the footprints miss
  int overlapLrCols = 0;            // whole LR pixels inside the overlap (when scale > 0)
  int overlapLrRows = 0;
  std::string note;  // what the user should know (ratio not integer, one CRS missing, ...)
};

// Throws InputError when one raster has a CRS and the other does not, or a CRS cannot be converted.
GridRelation relateGrids(const RasterInfo& lr, const RasterInfo& hr);

// Where `raster`'s origin falls on `grid`'s pixel grid (same CRS assumed), in `grid` pixels; `whole` when both
// offsets lie within 1 % of a pixel corner (then wholeCol/wholeRow are the rounded offsets). Absent when either
// raster has no geotransform or a rotated one.
struct GridOffset {
  double col = 0, row = 0;
  bool whole = false;
  int wholeCol = 0, wholeRow = 0;
};
std::optional<GridOffset> originOnGrid(const RasterInfo& raster, const RasterInfo& grid);

}  // namespace hsifuse
