#pragma once
// EnMAP L2A products as DLR ships them (issue #13): a folder ENMAP01-____L2A-..., its zip, or its METADATA.XML, beside
// the SPECTRAL_IMAGE (Int16, band-sequential in wavelength order). The metadata gives each band's centre, FWHM,
// gain and offset (reflectance = DN x gain + offset), the channels each detector delivers, and the bands the
// processor filled with no data (band statistics mean -1000000, standard deviation 0). A VRT stacks the bands in
// reflectance, the nodata value (-32768) as NaN, with their wavelengths; the no-data bands are left out and in the
// 900-1000 nm detector overlap the SWIR channels are kept (the VNIR ones there are dropped), as the EnMAP-Box does by
// default.
#include <optional>
#include <string>
#include <vector>

namespace hsifuse {

struct EnmapBand {
  int number = 0;  // 1-based, in the spectral image
  double wavelengthNm = 0, fwhmNm = 0, gain = 1, offset = 0;
};

struct EnmapProduct {
  std::string metadataPath, imagePath;
  double nodataDn = -32768;
  std::vector<EnmapBand> bands;   // the bands kept, in wavelength order
  std::vector<int> droppedBands;  // 1-based: no-data bands and VNIR channels in the overlap
};

// The product metadata file when `path` names an EnMAP L2A product (its folder, its METADATA.XML or its zip), else
// nothing.
std::optional<std::string> enmapMetadataFile(const std::string& path);
// InputError naming the file when the metadata lacks the band table or the spectral image is missing.
EnmapProduct readEnmapProduct(const std::string& metadataPath);
// The VRT written to GDAL's in-memory file system; returns its name, for RasterDataset::open.
std::string writeEnmapVrt(const EnmapProduct& product);

}  // namespace hsifuse
