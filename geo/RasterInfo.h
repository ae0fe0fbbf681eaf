#pragma once
// Everything hsi-fuse knows about a raster besides its pixels: shape, georeferencing, per-band
// nodata/description/scale/offset/wavelength, and the dataset's metadata by domain. It is both what
// `info` reports and the layout a RasterWriter creates, so a read-modify-write keeps every item.
#include <array>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lib/spectral/SpectralBand.h"

namespace hsifuse {

using MetadataList = std::vector<std::pair<std::string, std::string>>;  // key, value in file order

// The value of item `key` in `domain` of metadata kept by domain (a band's or a dataset's); none when absent.
std::optional<std::string> metadataItem(const std::map<std::string, MetadataList>& metadata, const std::string& key,
                                        const std::string& domain = "");

struct BandInfo {
  std::string description;
  std::string dataType;  // GDAL name: Byte, UInt16, Float32, ...
  std::optional<double> nodata;
  double scale = 1.0;
  double offset = 0.0;
  SpectralBand spectral;
  std::map<std::string, MetadataList> metadata;  // by domain ("" = default); wavelength items excluded

  // The band's native resolution in the CRS's units where a band metadata item NATIVE_RESOLUTION declares it (the
  // Sentinel-2 reader sets it on the 20 m and 60 m bands it resamples to 10 m); none otherwise. Throws InputError
  // naming `path` for a value that is not a positive number.
  std::optional<double> nativeResolution(const std::string& path) const;
};
inline constexpr const char* kNativeResolutionItem = "NATIVE_RESOLUTION";

struct RasterInfo {
  std::string path;
  std::string driver;
  int width = 0;
  int height = 0;
  std::string crsWkt;       // empty when the raster has no CRS
  std::optional<int> epsg;  // when the CRS has an EPSG code
  std::string crsName;
  std::optional<std::array<double, 6>> geotransform;  // GDAL order; absent for plain pixel grids
  std::vector<BandInfo> bands;
  // Dataset metadata by domain ("" = default), without the wavelength/fwhm/bbl lists, which are
  // represented by the bands' spectral fields and badBandList and written back from them.
  std::map<std::string, MetadataList> metadata;
  std::vector<int> badBandList;   // ENVI bbl (1 good, 0 bad); empty when the file has none
  std::string wavelengthSource;   // where the wavelengths came from, for reports; empty: none
  std::string wavelengthWarning;  // a doubt about them worth telling the user (an ENVI unit of 'Unknown'); empty: none

  int bandCount() const { return static_cast<int>(bands.size()); }
  std::vector<SpectralBand> spectralBands() const;
  // Each band's nodata value (lib/core/PixelMask.h validPixels).
  std::vector<std::optional<double>> nodataValues() const;
  bool hasWavelengths() const { return allHaveWavelengths(spectralBands()); }
  // Pixel size (x, y > 0) in CRS units; (1, 1) without geotransform.
  std::pair<double, double> pixelSize() const;
  // Moves the origin to pixel (col, row) of the current grid (the layout of a window of this raster).
  void moveOriginTo(int col, int row);
  // A copy that describes only the given 0-based bands, in that order. Dataset metadata values
  // that are per-band lists ("{a, b, ...}" or "a,b,..." with one entry per band) are subset too.
  RasterInfo selectBands(const std::vector<int>& indices) const;
  // Throws InputError, naming the file and how to supply them, when a band has no wavelength.
  void requireWavelengths(const std::string& purpose) const;
};

}  // namespace hsifuse
