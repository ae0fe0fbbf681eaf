#pragma once
// Sentinel-2 L1C and L2A products as ESA ships them (issue #13): the .SAFE folder, its zip, or its MTD_MSIL1C.xml /
// MTD_MSIL2A.xml. The product metadata names every band file (IMAGE_FILE), the quantification value, the radiometric
// offset per band (-1000 since processing baseline 04.00), the special values and the spacecraft. From them a VRT
// stacks the bands asked for, by name, on the grid of the finest one, in reflectance:
//   reflectance = (DN + offset) / quantification,   DN 0 (NODATA) and 65535 (SATURATED) -> the band's nodata value.
// GDAL's own SENTINEL2 driver exposes the bands but not the offset as a band offset in every version, so the product
// metadata is read here.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hsifuse {

struct Sentinel2BandFile {
  std::string name;     // B1 ... B12, B8A (the response curves' names)
  std::string path;     // the JP2 (for a zip: a /vsizip/ path)
  double offset = 0;    // RADIO_ADD_OFFSET (L1C) or BOA_ADD_OFFSET (L2A) of the band, DN
  int resolutionM = 0;  // from the file name (L2A: _10m) or, else, the band's nominal resolution
};

struct Sentinel2Product {
  std::string metadataPath;  // the MTD xml (for a zip: a /vsizip/ path)
  std::string level;         // L1C | L2A
  std::string spacecraft;    // Sentinel-2A, Sentinel-2B, ...
  std::string baseline;      // PROCESSING_BASELINE
  double quantification = 10000;
  double nodataDn = 0;
  std::optional<double> saturatedDn;
  std::vector<Sentinel2BandFile> bands;  // the reflectance bands, at their native resolution
  std::string sclPath;                   // L2A: the scene classification at 20 m ("" for L1C)

  // The shipped response curves of the spacecraft (sentinel2a, sentinel2b); "" for one without shipped curves.
  std::string responseName() const;
  // The band files of `names` (B2 or B02, case-insensitive), in that order; InputError naming the product and the
  // bands it has for a name it lacks.
  std::vector<Sentinel2BandFile> select(const std::vector<std::string>& names) const;
};

// The bands `fuse` takes from a product when --msi-bands names none: the four 10 m bands.
const std::vector<std::string>& defaultSentinel2Bands();

// The product metadata file when `path` names a Sentinel-2 L1C/L2A product (its .SAFE folder, the MTD xml, or an
// S2?_MSIL1C_*.zip / S2?_MSIL2A_*.zip), else nothing.
std::optional<std::string> sentinel2MetadataFile(const std::string& path);
// Reads the product metadata. InputError naming the file when it is not one or lacks what the VRT needs.
Sentinel2Product readSentinel2Product(const std::string& metadataPath);
// The VRT (XML text) of `bands` in reflectance on the grid of the finest of them; coarser bands are replicated
// (nearest) onto it, so that their nodata and saturated pixels stay exact. Each band's description is its name.
// InputError when a band file cannot be opened or the bands do not cover the same extent.
std::string sentinel2Vrt(const Sentinel2Product& product, const std::vector<Sentinel2BandFile>& bands);
// L2A: the scene classification classes --mask-clouds leaves out: cloud shadow (3), cloud medium and high probability
// (8, 9), thin cirrus (10), snow or ice (11).
const std::vector<int>& sentinel2CloudClasses();
// L2A: a Byte VRT on the grid of the finest of `bands`, 1 where the SCL (20 m, nearest neighbour) says cloud,
// shadow, cirrus or snow, else 0; written to GDAL's in-memory file system (its name is returned). InputError for a
// product without SCL (L1C).
std::string writeSentinel2CloudMaskVrt(const Sentinel2Product& product, const std::vector<Sentinel2BandFile>& bands);
// The same VRT written to GDAL's in-memory file system, under a name that says which product it reads; returns that
// name (/vsimem/...), for RasterDataset::open.
std::string writeSentinel2Vrt(const Sentinel2Product& product, const std::vector<Sentinel2BandFile>& bands);

}  // namespace hsifuse
