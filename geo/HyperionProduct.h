#pragma once
// EO-1 Hyperion L1T / L1Gst products as USGS ships them (issue #13): a folder of 242 single-band GeoTIFFs
// (EO1H..._B001_L1T.TIF ... _B242_L1T.TIF) beside an MTL text file. The bands carry no wavelengths and are scaled
// integers: radiance = DN / 40 for the VNIR bands 1-70 and DN / 80 for the SWIR bands 71-242 (W m-2 sr-1 um-1; read
// as they are, the stack jumps by 2x at the detector seam), and 0 is fill. A VRT stacks them in band order, in
// radiance, 0 as NaN, with each band's centre and FWHM from share/srf/eo1_hyperion_bands.csv.
#include <optional>
#include <string>
#include <vector>

namespace hsifuse {

struct HyperionProduct {
  std::string folder;
  std::vector<std::string> bandFiles;  // index b: Hyperion band b + 1
  std::string level;                   // L1T, L1GST, ... (from the file names)
};

// The product when `path` is such a folder or its MTL file, else nothing. InputError for a folder with some but not
// all 242 band files (naming the missing ones).
std::optional<HyperionProduct> findHyperionProduct(const std::string& path);
// The scale from DN to radiance of Hyperion band `band` (1-based): 1/40 (VNIR, 1-70) or 1/80 (SWIR, 71-242).
double hyperionRadianceScale(int band);
// The VRT written to GDAL's in-memory file system; returns its name (/vsimem/...), for RasterDataset::open.
std::string writeHyperionVrt(const HyperionProduct& product);

}  // namespace hsifuse
