#pragma once
// VRT text that hsi-fuse composes to read a product (a Sentinel-2 SAFE, a Hyperion L1T folder) as one raster,
// and where it is kept: GDAL's in-memory file system, under a name that says which product it reads.
#include <string>

class GDALDataset;

namespace hsifuse {

std::string xmlEscaped(const std::string& text);
// <SRS> and <GeoTransform> of `ds` ("" for what it lacks).
std::string vrtGeoreferencing(GDALDataset& ds);
// A Float32 band of a product's VRT that reads band `sourceBand` of `file` as value * ratio + offset (DN to physical
// units), `sourceNodata` DN left out (the band's `nodata`: the value it reads as then, or "nan"). `metadata`: the
// band's <MDI> items; `rects`: its SrcRect/DstRect elements when the file's grid is not the VRT's (with nearest
// resampling), else "".
struct VrtScaledBand {
  int index = 1;  // 1-based band of the VRT
  std::string description, metadata, nodata = "nan";
  std::string file;
  int sourceBand = 1;
  double sourceNodata = 0, offset = 0, ratio = 1;
  std::string rects;
};
std::string vrtScaledBand(const VrtScaledBand& band);
// The <MDI> items of a band's wavelength and FWHM in nm.
std::string vrtWavelengthItems(double wavelengthNm, double fwhmNm);
// Writes `xml` to /vsimem/hsifuse/<stem>.<n>.vrt (n: a counter, so runs in one process do not collide) and returns
// that name, for RasterDataset::open. Error when it cannot be written.
std::string writeInMemoryVrt(const std::string& stem, const std::string& xml);

}  // namespace hsifuse
