#pragma once
// Co-registration of the LR HSI onto the HR MSI's grid: when the two are in different CRSs, or in one CRS
// with an LR grid that does not fall on whole HR pixels, the LR HSI is warped (GDAL, PROJ) into the MSI's
// CRS onto a grid aligned with the MSI's grid whose pixel is exactly s MSI pixels, over the overlap of the
// two footprints shrunk by one LR pixel (so no output pixel is partly outside the LR scene). The result is
// a warped VRT: pixels are resampled when read, window by window.
#include <string>

#include "geo/RasterInfo.h"
#include "lib/core/Window.h"

namespace hsifuse {

struct WarpedLr {
  std::string path;  // the VRT
  Window hrWindow;   // the MSI pixels the warped LR grid covers (whole LR pixels)
  int scale = 0;
  std::string resampling;
};

// Whether GDAL reads `path` as a stream that cannot be opened twice (/vsistdin/).
bool isStreamedName(const std::string& path);

// Writes the VRT to `vrtPath` (a GeoTIFF when the LR HSI is a stream: isStreamedName). `resampling` is a GDAL
// resampling name (bilinear, cubic, average, ...). Throws InputError when the footprints do not overlap by at least 2 x
// 2 LR pixels.
WarpedLr warpOntoHrGrid(const RasterInfo& lr, const RasterInfo& hr, int scale, const std::string& vrtPath,
                        const std::string& resampling = "bilinear");

// True when both share a CRS, are north-up, and the LR origin falls on an HR pixel corner (within 1 % of
// an HR pixel): then the grids pair without resampling.
bool gridsAligned(const RasterInfo& lr, const RasterInfo& hr);

}  // namespace hsifuse
