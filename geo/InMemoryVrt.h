#pragma once
// VRT text that hsi-fuse composes to read a product (a Sentinel-2 SAFE, a Hyperion L1T folder) as one raster,
// and where it is kept: GDAL's in-memory file system, under a name that says which product it reads.
#include <string>

class GDALDataset;

namespace hsifuse {

std::string xmlEscaped(const std::string& text);
// <SRS> and <GeoTransform> of `ds` ("" for what it lacks).
std::string vrtGeoreferencing(GDALDataset& ds);
// Writes `xml` to /vsimem/hsifuse/<stem>.<n>.vrt (n: a counter, so runs in one process do not collide) and returns
// that name, for RasterDataset::open. Error when it cannot be written.
std::string writeInMemoryVrt(const std::string& stem, const std::string& xml);

}  // namespace hsifuse
