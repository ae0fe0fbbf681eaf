#pragma once
// Products that ship as several files (a Sentinel-2 .SAFE, a Hyperion L1T folder, an EnMAP L2A folder) opened as one
// raster wherever hsi-fuse opens a raster (info, subset, fuse, eval, ...), through the in-memory VRT their readers
// build.
#include <optional>
#include <string>

namespace hsifuse {

// The VRT that reads `path` as one raster when it names a product: Sentinel-2 L1C/L2A (its four 10 m bands in
// reflectance; fuse's --msi-bands picks others), Hyperion L1T/L1Gst (242 bands in radiance), EnMAP L2A (reflectance);
// nothing for anything else.
std::optional<std::string> productVrt(const std::string& path);

}  // namespace hsifuse
