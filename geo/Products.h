#pragma once
// Products that ship as several files (a Sentinel-2 .SAFE, a Hyperion L1T folder, an EnMAP L2A folder) opened as one
// raster wherever hsi-fuse opens a raster (info, subset, fuse, eval, ...), through the in-memory VRT their readers
// build.
#include <optional>
#include <string>
#include <vector>

namespace hsifuse {

// The VRT that reads `path` as one raster when it names a product: Sentinel-2 L1C/L2A (`sentinel2Bands` by name in
// reflectance; empty: its four 10 m bands), Hyperion L1T/L1Gst and L1R (242 bands in radiance), EnMAP L2A
// (reflectance); nothing for anything else.
std::optional<std::string> productVrt(const std::string& path, const std::vector<std::string>& sentinel2Bands = {});

}  // namespace hsifuse
