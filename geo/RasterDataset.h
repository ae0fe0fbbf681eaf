#pragma once
// An open GDAL raster, read as band-major float32: all of it, or a window of chosen bands, so later
// stages can stream scenes larger than memory.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "geo/RasterInfo.h"
#include "lib/core/Cube.h"
#include "lib/core/Window.h"

class GDALDataset;

namespace hsifuse {

struct OpenOptions {
  std::string wavelengthTable;              // --wavelengths CSV: overrides the file's wavelengths
  std::vector<std::string> sentinel2Bands;  // a Sentinel-2 product's bands, by name (empty: its four 10 m bands)

  OpenOptions(std::string table = {}, std::vector<std::string> bands = {})
      : wavelengthTable(std::move(table)), sentinel2Bands(std::move(bands)) {}
};

class RasterDataset {
 public:
  // Throws InputError naming the file when it does not exist or GDAL cannot read it as a raster. A product of several
  // files (geo/Products.h) opens as one raster.
  static RasterDataset open(const std::string& path, const OpenOptions& options = {});
  RasterDataset(RasterDataset&&) noexcept;
  RasterDataset& operator=(RasterDataset&&) noexcept;
  ~RasterDataset();

  const RasterInfo& info() const { return info_; }
  // All bands, whole raster.
  Cube read() const;
  // The given 0-based bands (all when empty) over `window`. Throws InputError when the window
  // leaves the raster, Error when GDAL fails to read.
  Cube readWindow(const Window& window, const std::vector<int>& bands = {}) const;

 private:
  RasterDataset() = default;
  struct Closer {
    void operator()(GDALDataset* ds) const;
  };
  std::unique_ptr<GDALDataset, Closer> ds_;
  RasterInfo info_;
};

// Reads only the description of a raster (same errors as RasterDataset::open).
RasterInfo readRasterInfo(const std::string& path, const OpenOptions& options = {});
// Whether `path` names a GDAL dataset that is not a plain file: /vsi... paths and connection strings such as
// SENTINEL2_L1C:.../MTD_MSIL1C.xml:10m:EPSG_32631, HDF5:"f.h5"://x or GTIFF_DIR:2:f.tif. Such names are passed to
// GDAL as they are, without the file-existence check.
bool isGdalDatasetName(const std::string& path);

}  // namespace hsifuse
