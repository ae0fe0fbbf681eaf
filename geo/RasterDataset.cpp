#include "geo/RasterDataset.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "geo/GdalEnvironment.h"
#include "geo/Products.h"
#include "geo/SpectralMetadata.h"
#include "lib/core/Error.h"
#include "lib/core/MemoryCeiling.h"
#include "lib/core/Text.h"

namespace hsifuse {
namespace {

// Domains that describe the file's encoding or its sub-files rather than the data: not reported
// as metadata and not copied to outputs.
bool isStructuralDomain(const std::string& d) {
  return d == "IMAGE_STRUCTURE" || d == "DERIVED_SUBDATASETS" || d == "SUBDATASETS" || d.rfind("xml:", 0) == 0 ||
         d == "COLOR_PROFILE" || d == "TILING_SCHEME";
}

std::map<std::string, MetadataList> readMetadata(GDALMajorObject& o) {
  std::map<std::string, MetadataList> out;
  std::vector<std::string> domains{""};
  if (char** list = o.GetMetadataDomainList()) {
    for (char** d = list; *d; ++d)
      if (**d) domains.emplace_back(*d);
    CSLDestroy(list);
  }
  for (const auto& domain : domains) {
    if (isStructuralDomain(domain)) continue;
    char** md = o.GetMetadata(domain.c_str());
    for (char** p = md; p && *p; ++p) {
      char* key = nullptr;
      const char* value = CPLParseNameValue(*p, &key);
      if (key && value && !isSpectralMetadataKey(domain, key)) out[domain].emplace_back(key, value);
      CPLFree(key);
    }
  }
  return out;
}

RasterInfo describe(GDALDataset& ds, const std::string& path) {
  RasterInfo info;
  info.path = path;
  info.driver = ds.GetDriver() ? ds.GetDriver()->GetDescription() : "";
  info.width = ds.GetRasterXSize();
  info.height = ds.GetRasterYSize();
  if (const OGRSpatialReference* srs = ds.GetSpatialRef()) {
    char* wkt = nullptr;
    const char* options[] = {"FORMAT=WKT2_2018", "MULTILINE=NO", nullptr};
    srs->exportToWkt(&wkt, options);
    info.crsWkt = wkt ? wkt : "";
    CPLFree(wkt);
    info.crsName = srs->GetName() ? srs->GetName() : "";
    OGRSpatialReference copy(*srs);
    const char* auth = copy.GetAuthorityName(nullptr);
    if (!(auth && EQUAL(auth, "EPSG"))) {
      copy.AutoIdentifyEPSG();
      auth = copy.GetAuthorityName(nullptr);
    }
    if (auth && EQUAL(auth, "EPSG") && copy.GetAuthorityCode(nullptr))
      info.epsg = std::atoi(copy.GetAuthorityCode(nullptr));
  }
  std::array<double, 6> gt{};
  if (ds.GetGeoTransform(gt.data()) == CE_None) info.geotransform = gt;
  takeGdalError();  // "no geotransform" is not an error for plain pixel grids
  for (int b = 1; b <= ds.GetRasterCount(); ++b) {
    GDALRasterBand& band = *ds.GetRasterBand(b);
    BandInfo bi;
    bi.description = band.GetDescription();
    bi.dataType = GDALGetDataTypeName(band.GetRasterDataType());
    int has = 0;
    double nd = band.GetNoDataValue(&has);
    if (has) bi.nodata = nd;
    bi.scale = band.GetScale(&has);
    if (!has) bi.scale = 1.0;
    bi.offset = band.GetOffset(&has);
    if (!has) bi.offset = 0.0;
    bi.metadata = readMetadata(band);
    info.bands.push_back(std::move(bi));
  }
  info.metadata = readMetadata(ds);
  // An ENVI header's `reflectance scale factor` (values = reflectance x factor) is what GDAL calls a band scale of
  // 1 / factor; GDAL 3.6 leaves it in the ENVI domain. Bands that declare their own scale keep it.
  if (const char* f = ds.GetMetadataItem("reflectance_scale_factor", "ENVI")) {
    const double factor = parseDouble(f, info.path + ": the ENVI 'reflectance scale factor'");
    if (!(factor > 0 && std::isfinite(factor)))
      throw InputError(
          fmt::format("{}: the ENVI 'reflectance scale factor' is '{}', not a positive number; correct "
                      "the .hdr",
                      info.path, f));
    for (BandInfo& bi : info.bands)
      if (bi.scale == 1.0 && bi.offset == 0.0) bi.scale = 1.0 / factor;
  }
  readSpectralMetadata(ds, info);
  return info;
}

// A container (a Sentinel-2 SAFE, HDF, netCDF) has subdatasets instead of bands: list them, as gdalinfo does, so
// the user can pick one.
std::string noBandsMessage(GDALDataset& ds) {
  char** sub = ds.GetMetadata("SUBDATASETS");
  std::vector<std::string> names;
  for (int i = 1;; ++i) {
    const char* name = CSLFetchNameValue(sub, fmt::format("SUBDATASET_{}_NAME", i).c_str());
    if (!name) break;
    const char* desc = CSLFetchNameValue(sub, fmt::format("SUBDATASET_{}_DESC", i).c_str());
    names.push_back(desc ? fmt::format("{} ({})", name, desc) : std::string(name));
  }
  if (names.empty()) return "the file has no raster bands";
  return fmt::format("no raster bands, but {} subdataset{}; open one of them by name: {}", names.size(),
                     names.size() > 1 ? "s" : "", fmt::join(names, "; "));
}

}  // namespace

bool isGdalDatasetName(const std::string& path) {
  if (path.rfind("/vsi", 0) == 0) return true;
  // DRIVER:... (SENTINEL2_L1C:, HDF5:, NETCDF:, GTIFF_DIR:): a prefix of capitals, digits and '_' before a ':', longer
  // than a drive letter.
  const std::size_t colon = path.find(':');
  if (colon == std::string::npos || colon < 2) return false;
  for (std::size_t i = 0; i < colon; ++i) {
    const char c = path[i];
    if (!(std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_'))
      return false;
  }
  return true;
}

void RasterDataset::Closer::operator()(GDALDataset* ds) const {
  GDALClose(ds);
}

RasterDataset::RasterDataset(RasterDataset&&) noexcept = default;
RasterDataset& RasterDataset::operator=(RasterDataset&&) noexcept = default;
RasterDataset::~RasterDataset() = default;

RasterDataset RasterDataset::open(const std::string& path, const OpenOptions& options) {
  initGdal();
  // A product of several files opens through its VRT, and keeps its own name in messages.
  if (const std::optional<std::string> vrt = productVrt(path, options.sentinel2Bands)) {
    RasterDataset r = open(*vrt, options);
    r.info_.path = path;
    return r;
  }
  std::error_code ec;
  if (!isGdalDatasetName(path) && !std::filesystem::exists(path, ec))
    throw InputError(path + ": no such file (check the path)");
  takeGdalError();
  GDALDataset* raw = GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, gdalOpenOptions());
  if (!raw) {
    std::string why = takeGdalError();
    throw InputError(path + ": not a raster GDAL can read" + (why.empty() ? "" : " (" + why + ")"));
  }
  RasterDataset r;
  r.ds_.reset(raw);
  if (raw->GetRasterCount() == 0) throw InputError(path + ": " + noBandsMessage(*raw));
  r.info_ = describe(*raw, path);
  if (!options.wavelengthTable.empty()) applyWavelengthTable(options.wavelengthTable, r.info_);
  return r;
}

Cube RasterDataset::read() const {
  return readWindow({0, 0, info_.width, info_.height});
}

Cube RasterDataset::readWindow(const Window& w, const std::vector<int>& bands) const {
  if (w.empty() || w.col < 0 || w.row < 0 || w.col + w.width > info_.width || w.row + w.height > info_.height)
    throw InputError(fmt::format("{}: window {}x{}+{}+{} lies outside the {}x{} raster", info_.path, w.width, w.height,
                                 w.col, w.row, info_.width, info_.height));
  std::vector<int> bandMap;
  if (bands.empty())
    for (int b = 1; b <= info_.bandCount(); ++b) bandMap.push_back(b);
  for (int b : bands) {
    if (b < 0 || b >= info_.bandCount())
      throw InputError(
          fmt::format("{}: band {} does not exist (the file has {})", info_.path, b + 1, info_.bandCount()));
    bandMap.push_back(b + 1);
  }
  requireMemory(4.0 * double(bandMap.size()) * w.width * w.height, 1,
                fmt::format("{}: {} x {} x {} values", info_.path, w.width, w.height, bandMap.size()));
  Cube cube(static_cast<int>(bandMap.size()), w.height, w.width);
  const GSpacing pixel = sizeof(float), line = pixel * w.width, band = line * w.height;
  CPLErr err = ds_->RasterIO(GF_Read, w.col, w.row, w.width, w.height, cube.data.data(), w.width, w.height, GDT_Float32,
                             static_cast<int>(bandMap.size()), bandMap.data(), pixel, line, band, nullptr);
  if (err != CE_None) throw Error(info_.path + ": read failed (" + takeGdalError() + ")");
  return cube;
}

RasterInfo readRasterInfo(const std::string& path, const OpenOptions& options) {
  return RasterDataset::open(path, options).info();
}

}  // namespace hsifuse
