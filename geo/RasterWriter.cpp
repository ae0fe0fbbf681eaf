#include "geo/RasterWriter.h"

#include <cpl_string.h>
#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>

#include "geo/GdalEnvironment.h"
#include "geo/GdalMetadataTag.h"
#include "geo/InMemoryVrt.h"
#include "geo/SpectralMetadata.h"
#include "lib/core/AtomicOutput.h"
#include "lib/core/Error.h"
#include "lib/core/Text.h"

namespace fs = std::filesystem;

namespace hsifuse {
namespace {

GDALDriver* findDriver(const std::string& format) {
  initGdal();
  GDALDriver* d = GetGDALDriverManager()->GetDriverByName(format.c_str());
  if (!d || !d->GetMetadataItem(GDAL_DCAP_RASTER))
    throw InputError("--of: '" + format + "' is not a GDAL raster driver here (see gdalinfo --formats)");
  if (!d->GetMetadataItem(GDAL_DCAP_CREATE) && !d->GetMetadataItem(GDAL_DCAP_CREATECOPY))
    throw InputError("--of: the " + format + " driver cannot write files");
  return d;
}

GDALDataType findType(const std::string& name) {
  GDALDataType t = GDALGetDataTypeByName(name.c_str());
  if (t == GDT_Unknown || GDALDataTypeIsComplex(t))
    throw InputError("--ot: '" + name +
                     "' is not a GDAL data type (Byte, UInt16, Int16, UInt32, Int32, Float32, Float64)");
  return t;
}

struct StringList {
  char** list = nullptr;
  ~StringList() { CSLDestroy(list); }
  void set(const std::string& k, const std::string& v) { list = CSLSetNameValue(list, k.c_str(), v.c_str()); }
  // Square blocks of `side` (0: GDAL's own).
  void setBlockSide(int side) {
    if (side <= 0) return;
    set("BLOCKXSIZE", std::to_string(side));
    set("BLOCKYSIZE", std::to_string(side));
  }
};

// What a GIS tool expects of a GeoTIFF (issue #13): tiled, band-interleaved, DEFLATE-compressed with the predictor
// that suits the type (floating point or horizontal differencing), BigTIFF when the size needs it. A --co naming any of
// these keys replaces the default (and --co COMPRESS=NONE drops the predictor).
void setGeoTiffDefaults(StringList& co, const std::vector<std::string>& user, GDALDataType type, int bands,
                        int blockSize) {
  std::map<std::string, std::string> given;
  for (const auto& kv : user) {
    auto [k, v] = splitKeyValue(kv, "--co");
    given[CPLString(k).toupper()] = CPLString(v).toupper();
  }
  const auto unset = [&](const char* key) { return given.count(key) == 0; };
  if (unset("TILED")) co.set("TILED", "YES");
  if (unset("TILED") && unset("BLOCKXSIZE") && unset("BLOCKYSIZE")) co.setBlockSide(blockSize);
  if (unset("BIGTIFF")) co.set("BIGTIFF", "IF_SAFER");
  if (unset("INTERLEAVE") && bands > 1) co.set("INTERLEAVE", "BAND");
  if (unset("COMPRESS")) co.set("COMPRESS", "DEFLATE");
  const std::string compress = unset("COMPRESS") ? "DEFLATE" : given["COMPRESS"];
  const bool predictive = compress == "DEFLATE" || compress == "LZW" || compress == "ZSTD" || compress == "LZMA";
  if (unset("PREDICTOR") && predictive) co.set("PREDICTOR", GDALDataTypeIsFloating(type) ? "3" : "2");
}

// Metadata that describes how the source file was stored (its ENVI header's size, interleave, offsets and types,
// GDAL's IMAGE_STRUCTURE and derived datasets) is never true of a new file: the writer makes its own (issue #13).
bool describesTheSourceFile(const std::string& domain, const std::string& key) {
  if (EQUAL(domain.c_str(), "IMAGE_STRUCTURE") || EQUAL(domain.c_str(), "DERIVED_SUBDATASETS")) return true;
  if (!EQUAL(domain.c_str(), "ENVI")) return false;
  static const char* const structural[] = {"samples", "lines", "bands", "interleave", "header_offset", "header offset",
                                           "data_type", "data type", "byte_order", "byte order", "file_type",
                                           "file type",
                                           // carried as the band scale (geo/RasterDataset.cpp), not twice
                                           "reflectance_scale_factor", "reflectance scale factor"};
  for (const char* k : structural)
    if (EQUAL(key.c_str(), k)) return true;
  return false;
}

void removeDatasetFiles(const std::string& path) {
  std::error_code ec;
  fs::remove(path, ec);
  fs::remove(path + ".aux.xml", ec);
  // Sidecars of multi-file formats share the stem (ENVI .hdr, EHdr .hdr/.prj, ...).
  fs::path p(path);
  if (fs::is_directory(p.parent_path().empty() ? "." : p.parent_path(), ec))
    for (const auto& e : fs::directory_iterator(p.parent_path().empty() ? "." : p.parent_path(), ec))
      if (e.path().stem() == p.stem() && e.path() != p && e.path().filename().string().rfind(".", 0) == 0)
        fs::remove(e.path(), ec);
}

void applyLayout(const RasterInfo& info, GDALDataset& ds) {
  if (info.geotransform) {
    auto gt = *info.geotransform;
    ds.SetGeoTransform(gt.data());
  }
  if (!info.crsWkt.empty()) {
    OGRSpatialReference srs;
    if (srs.importFromWkt(info.crsWkt.c_str()) == OGRERR_NONE) {
      srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
      ds.SetSpatialRef(&srs);
    }
  }
  for (const auto& [domain, items] : info.metadata)
    for (const auto& [k, v] : items)
      if (!describesTheSourceFile(domain, k)) ds.SetMetadataItem(k.c_str(), v.c_str(), domain.c_str());
  for (int b = 0; b < info.bandCount(); ++b) {
    const BandInfo& bi = info.bands[b];
    GDALRasterBand& band = *ds.GetRasterBand(b + 1);
    if (!bi.description.empty()) band.SetDescription(bi.description.c_str());
    if (bi.nodata) band.SetNoDataValue(*bi.nodata);
    if (bi.scale != 1.0) band.SetScale(bi.scale);
    if (bi.offset != 0.0) band.SetOffset(bi.offset);
    for (const auto& [domain, items] : bi.metadata)
      for (const auto& [k, v] : items) band.SetMetadataItem(k.c_str(), v.c_str(), domain.c_str());
  }
  writeSpectralMetadata(info, ds);
}

// The item the copy carries as room for what it drops (geo/GdalMetadataTag.h); removed afterwards.
constexpr const char* kReservedItem = "HSIFUSE_RESERVED";

// Every item outside the default domain (and GDAL's own structural ones) of the dataset and its bands, as
// GDAL_METADATA items; `keep` says which ones to list.
template <class Keep>
std::string domainItemsXml(GDALDataset& ds, Keep keep) {
  std::string xml;
  auto add = [&](GDALMajorObject& o, int sample) {
    char** domains = o.GetMetadataDomainList();
    for (int d = 0; domains && domains[d]; ++d) {
      const std::string domain = domains[d];
      if (domain.empty() || describesTheSourceFile(domain, "") || domain.rfind("xml:", 0) == 0 ||
          domain.rfind("json:", 0) == 0)
        continue;
      char** items = o.GetMetadata(domain.c_str());
      for (int i = 0; items && items[i]; ++i) {
        char* key = nullptr;
        const char* value = CPLParseNameValue(items[i], &key);
        if (key && value && keep(sample, domain, key, value))
          xml += fmt::format("  <Item name=\"{}\"{} domain=\"{}\">{}</Item>\n", xmlEscaped(key),
                             sample >= 0 ? fmt::format(" sample=\"{}\"", sample) : "", xmlEscaped(domain),
                             xmlEscaped(value));
        CPLFree(key);
      }
    }
    CSLDestroy(domains);
  };
  add(ds, -1);
  for (int b = 1; b <= ds.GetRasterCount(); ++b) add(*ds.GetRasterBand(b), b - 1);
  return xml;
}

// Whether `copy` holds the item `key` = `value` of `domain` (on band sample + 1, or the dataset for -1).
bool holds(GDALDataset& copy, int sample, const std::string& domain, const char* key, const char* value) {
  GDALMajorObject* o = sample < 0 ? static_cast<GDALMajorObject*>(&copy) : copy.GetRasterBand(sample + 1);
  const char* v = o ? o->GetMetadataItem(key, domain.c_str()) : nullptr;
  return v && std::string(v) == value;
}

// After a COG copy: the items of `stagePath` that the copy dropped are written into the room the reserved item kept in
// its GDAL_METADATA tag (in place: the COG layout stays valid).
void restoreDroppedItems(const std::string& stagePath, const std::string& copyPath) {
  GDALDataset* stage = GDALDataset::Open(stagePath.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY);
  GDALDataset* copy = GDALDataset::Open(copyPath.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY);
  std::string dropped;
  if (stage && copy)
    dropped = domainItemsXml(*stage, [&](int sample, const std::string& domain, const char* key, const char* value) {
      return !holds(*copy, sample, domain, key, value);
    });
  if (stage) GDALClose(stage);
  if (copy) GDALClose(copy);
  std::string tag = readGdalMetadataTag(copyPath);
  const std::string open = fmt::format("<Item name=\"{}\">", kReservedItem);
  const std::size_t at = tag.find(open), end = tag.find("</Item>", at);
  if (at == std::string::npos || end == std::string::npos)
    throw Error(copyPath + ": the metadata room reserved through the COG copy is missing");
  std::size_t lineEnd = end + 7;
  if (lineEnd < tag.size() && tag[lineEnd] == '\n') ++lineEnd;
  std::size_t lineStart = at;
  while (lineStart > 0 && tag[lineStart - 1] == ' ') --lineStart;
  tag.erase(lineStart, lineEnd - lineStart);
  const std::size_t close = tag.rfind("</GDALMetadata>");
  if (close == std::string::npos) throw Error(copyPath + ": unexpected GDAL_METADATA tag");
  tag.insert(close, dropped);
  rewriteGdalMetadataTag(copyPath, tag);
}

// Each band's STATISTICS_* items, as gdalinfo -stats writes them (GIS tools read them instead of scanning the file).
void setStatistics(GDALDataset& ds, const std::vector<BandStatistics>& stats, double pixels) {
  for (std::size_t b = 0; b < stats.size(); ++b) {
    const BandStatistics& s = stats[b];
    if (s.count == 0) continue;
    const double mean = s.sum / s.count, var = std::max(0.0, s.sumSquares / s.count - mean * mean);
    GDALRasterBand& band = *ds.GetRasterBand(static_cast<int>(b) + 1);
    band.SetMetadataItem("STATISTICS_MINIMUM", fmt::format("{:.9g}", s.minimum).c_str());
    band.SetMetadataItem("STATISTICS_MAXIMUM", fmt::format("{:.9g}", s.maximum).c_str());
    band.SetMetadataItem("STATISTICS_MEAN", fmt::format("{:.9g}", mean).c_str());
    band.SetMetadataItem("STATISTICS_STDDEV", fmt::format("{:.9g}", std::sqrt(var)).c_str());
    band.SetMetadataItem("STATISTICS_VALID_PERCENT", fmt::format("{:.4g}", 100.0 * s.count / pixels).c_str());
  }
}

// Internal overviews, as gdaladdo -r average makes them: factors 2, 4, ... until the larger side is at most 256.
void addOverviews(GDALDataset& ds, const ProgressFn& progress) {
  std::vector<int> factors;
  const int side = std::max(ds.GetRasterXSize(), ds.GetRasterYSize());
  for (int f = 2; (side + f / 2 - 1) / (f / 2) > 256; f *= 2) factors.push_back(f);
  if (factors.empty()) return;
  GDALProgressFunc fn = nullptr;
  if (progress)
    fn = [](double f, const char*, void* arg) -> int {
      return (*static_cast<const ProgressFn*>(arg))(f, "overviews") ? TRUE : FALSE;
    };
  if (ds.BuildOverviews("AVERAGE", static_cast<int>(factors.size()), factors.data(), 0, nullptr, fn,
                        const_cast<ProgressFn*>(&progress), nullptr) != CE_None)
    throw Error(std::string(ds.GetDescription()) + ": cannot build overviews (" + takeGdalError() + ")");
}

}  // namespace

void validateWriteOptions(const WriteOptions& options) {
  findDriver(options.format);
  findType(options.outputType);
  for (const auto& co : options.creationOptions) splitKeyValue(co, "--co");
}

RasterWriter::RasterWriter(std::string path, const RasterInfo& layout, WriteOptions options)
    : path_(std::move(path)), options_(std::move(options)), layout_(layout) {
  validateWriteOptions(options_);
  checkOutputPath(path_, options_.overwrite, "output");
  GDALDriver* driver = findDriver(options_.format);
  const GDALDataType type = findType(options_.outputType);

  StringList co;
  const bool direct = driver->GetMetadataItem(GDAL_DCAP_CREATE) != nullptr;
  if (direct) {
    if (EQUAL(driver->GetDescription(), "GTiff"))
      setGeoTiffDefaults(co, options_.creationOptions, type, layout_.bandCount(), alignedBlockSide());
    for (const auto& kv : options_.creationOptions) {
      auto [k, v] = splitKeyValue(kv, "--co");
      co.set(k, v);
    }
    tempPath_ = temporaryPathFor(path_);
  } else {
    // CreateCopy-only driver: stream into a tiled GeoTIFF, copy at commit (with the user's --co).
    driver = findDriver("GTiff");
    co.set("TILED", "YES");
    co.set("BIGTIFF", "IF_SAFER");
    co.set("COMPRESS", "ZSTD");
    co.setBlockSide(alignedBlockSide());
    if (layout_.bandCount() > 1) co.set("INTERLEAVE", "BAND");
    tempPath_ = temporaryPathFor(path_) + ".stage.tif";
    copyPath_ = temporaryPathFor(path_);
  }
  takeGdalError();
  ds_ = driver->Create(tempPath_.c_str(), layout_.width, layout_.height, layout_.bandCount(), type, co.list);
  if (!ds_) {
    std::string why = takeGdalError();
    removeDatasetFiles(tempPath_);
    throw Error(path_ + ": cannot create the output" + (why.empty() ? "" : " (" + why + ")"));
  }
  applyLayout(layout_, *ds_);
}

int RasterWriter::alignedBlockSide() const {
  const int side = options_.blockSize;
  // One tile covers a raster no larger than it: GDAL's 256 blocks are as good there, and smaller.
  const bool tiles = layout_.width > side || layout_.height > side;
  return side >= 16 && side % 16 == 0 && tiles ? side : 0;
}

RasterWriter::~RasterWriter() {
  if (!committed_) abandon();
}

void RasterWriter::abandon() noexcept {
  if (ds_) {
    GDALClose(ds_);
    ds_ = nullptr;
  }
  if (!tempPath_.empty()) removeDatasetFiles(tempPath_);
  if (!copyPath_.empty()) removeDatasetFiles(copyPath_);
}

void RasterWriter::accumulateStatistics(const Cube& cube) {
  statistics_.resize(cube.bands);
  for (int b = 0; b < cube.bands; ++b) {
    const std::optional<double>& nodata = layout_.bands[b].nodata;
    const float skip = nodata ? static_cast<float>(*nodata) : 0.0f;
    BandStatistics& s = statistics_[b];
    const float* x = cube.band(b);
    for (std::size_t i = 0; i < cube.planeSize(); ++i) {
      const float v = x[i];
      if (!std::isfinite(v) || (nodata && v == skip)) continue;
      s.minimum = std::min(s.minimum, double(v));
      s.maximum = std::max(s.maximum, double(v));
      s.sum += v;
      s.sumSquares += double(v) * v;
      ++s.count;
    }
  }
}

void RasterWriter::writeWindow(const Window& w, const Cube& cube) {
  if (!ds_) throw Error(path_ + ": the writer is closed");
  if (cube.bands != layout_.bandCount() || cube.rows != w.height || cube.cols != w.width)
    throw Error(fmt::format("{}: a {}x{}x{} block does not fit window {}x{} of {} bands", path_, cube.bands, cube.rows,
                            cube.cols, w.width, w.height, layout_.bandCount()));
  if (w.col < 0 || w.row < 0 || w.col + w.width > layout_.width || w.row + w.height > layout_.height)
    throw Error(fmt::format("{}: window {}x{}+{}+{} lies outside the {}x{} output", path_, w.width, w.height, w.col,
                            w.row, layout_.width, layout_.height));
  accumulateStatistics(cube);
  const GSpacing pixel = sizeof(float), line = pixel * w.width, band = line * w.height;
  CPLErr err = ds_->RasterIO(GF_Write, w.col, w.row, w.width, w.height, const_cast<float*>(cube.data.data()), w.width,
                             w.height, GDT_Float32, cube.bands, nullptr, pixel, line, band, nullptr);
  if (err != CE_None) throw Error(path_ + ": write failed (" + takeGdalError() + ")");
}

void RasterWriter::commit(const ProgressFn& progress) {
  if (!ds_) throw Error(path_ + ": the writer is closed");
  takeGdalError();
  setStatistics(*ds_, statistics_, double(layout_.width) * layout_.height);
  if (options_.overviews && copyPath_.empty() && EQUAL(options_.format.c_str(), "GTiff")) addOverviews(*ds_, progress);
  bool reserved = false;  // room in a COG's GDAL_METADATA tag for what the copy drops (restoreDroppedItems)
  if (!copyPath_.empty() && EQUAL(options_.format.c_str(), "COG")) {
    const std::string items =
        domainItemsXml(*ds_, [](int, const std::string&, const char*, const char*) { return true; });
    reserved = !items.empty();
    if (reserved) ds_->SetMetadataItem(kReservedItem, std::string(items.size(), 'x').c_str());
  }
  // The final close flushes caches and can fail (disk full): it decides whether the file is good.
  // GDAL 3.6's GDALClose returns nothing, so the error handler's record is what tells.
  CPLErrorReset();
  GDALClose(ds_);
  ds_ = nullptr;
  std::string why = takeGdalError();
  if (!why.empty() || CPLGetLastErrorType() >= CE_Failure) {
    abandon();
    throw Error(path_ + ": writing the output failed (" + why + ")");
  }
  std::string finished = tempPath_;
  if (!copyPath_.empty()) {
    GDALDriver* driver = findDriver(options_.format);
    StringList co;
    for (const auto& kv : options_.creationOptions) {
      auto [k, v] = splitKeyValue(kv, "--co");
      co.set(k, v);
    }
    GDALDataset* src = GDALDataset::Open(tempPath_.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY);
    GDALProgressFunc fn = nullptr;
    if (progress)
      fn = [](double f, const char*, void* arg) -> int {
        return (*static_cast<const ProgressFn*>(arg))(f, "write") ? TRUE : FALSE;
      };
    GDALDataset* copy =
        src ? driver->CreateCopy(copyPath_.c_str(), src, FALSE, co.list, fn, const_cast<ProgressFn*>(&progress))
            : nullptr;
    if (src) GDALClose(src);
    bool copied = copy != nullptr;
    if (copy) {
      CPLErrorReset();
      GDALClose(copy);
      copied = CPLGetLastErrorType() < CE_Failure;
    }
    why = takeGdalError();
    if (!copied || !why.empty()) {
      abandon();
      throw Error(path_ + ": writing the " + options_.format + " output failed (" + why + ")");
    }
    if (reserved) {
      try {
        restoreDroppedItems(tempPath_, copyPath_);
      } catch (const Error&) {
        abandon();
        throw;
      }
    }
    removeDatasetFiles(tempPath_);
    tempPath_.clear();
    finished = copyPath_;
  }
  std::error_code ec;
  if (fs::exists(path_, ec)) {
    if (!options_.overwrite) {
      abandon();
      throw InputError("output: " + path_ + " appeared while writing (add --overwrite to replace it)");
    }
    GDALDriver* existing = GetGDALDriverManager()->GetDriverByName(options_.format.c_str());
    // Remove the old dataset with its sidecars; a plain file when no driver recognises it.
    if (!existing || existing->Delete(path_.c_str()) != CE_None) fs::remove(path_, ec);
    takeGdalError();
  }
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(options_.format.c_str());
  // The driver's Rename moves sidecar files too (ENVI .hdr and friends).
  if (!driver || driver->Rename(path_.c_str(), finished.c_str()) != CE_None) {
    why = takeGdalError();
    abandon();
    throw Error(path_ + ": cannot move the finished output into place (" + why + ")");
  }
  if (fs::exists(finished + ".aux.xml", ec)) fs::rename(finished + ".aux.xml", path_ + ".aux.xml", ec);
  committed_ = true;
  tempPath_.clear();
  copyPath_.clear();
  if (progress) progress(1.0, "write");
}

}  // namespace hsifuse
