#include "geo/HyperionProduct.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gdal_priv.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <regex>

#include "geo/GdalEnvironment.h"
#include "geo/InMemoryVrt.h"
#include "lib/core/Error.h"
#include "lib/core/Text.h"
#include "lib/spectral/BandSelection.h"
#include "lib/spectral/HyperionPreset.h"

namespace fs = std::filesystem;

namespace hsifuse {
namespace {

constexpr int kHyperionBands = 242;

// EO1H0440342002212110PY_B001_L1T.TIF -> (1, "L1T")
std::optional<std::pair<int, std::string>> bandFileNumber(const std::string& filename) {
  static const std::regex pattern(R"(^EO1H.*_B(\d{3})_(L1[A-Z0-9]*)\.TIF$)", std::regex::icase);
  std::smatch m;
  if (!std::regex_match(filename, m, pattern)) return std::nullopt;
  return std::pair{std::stoi(m[1].str()), toUpper(m[2].str())};
}

}  // namespace

double hyperionRadianceScale(int band) {
  return band <= 70 ? 1.0 / 40 : 1.0 / 80;
}

std::optional<HyperionProduct> findHyperionProduct(const std::string& path) {
  std::error_code ec;
  fs::path folder(path);
  if (fs::is_regular_file(folder, ec)) {
    const std::string name = folder.filename().string();
    // The MTL names the product; a single band file stays a single-band raster.
    const bool mtl = toLower(name).find("_mtl") != std::string::npos && toLower(name).rfind("eo1h", 0) == 0;
    if (!mtl) return std::nullopt;
    folder = folder.parent_path().empty() ? fs::path(".") : folder.parent_path();
  }
  if (!fs::is_directory(folder, ec)) return std::nullopt;
  HyperionProduct p;
  p.folder = folder.string();
  p.bandFiles.assign(kHyperionBands, "");
  int found = 0;
  for (const auto& e : fs::directory_iterator(folder, ec)) {
    const auto number = bandFileNumber(e.path().filename().string());
    if (!number || number->first < 1 || number->first > kHyperionBands) continue;
    if (p.bandFiles[number->first - 1].empty()) ++found;
    p.bandFiles[number->first - 1] = e.path().string();
    p.level = number->second;
  }
  if (found == 0) return std::nullopt;
  if (found < kHyperionBands) {
    std::vector<int> missing;
    for (int b = 0; b < kHyperionBands; ++b)
      if (p.bandFiles[b].empty()) missing.push_back(b + 1);
    throw InputError(fmt::format("{}: a Hyperion {} folder with {} of the 242 band files; missing band(s) {}", p.folder,
                                 p.level, found, formatIndexRanges(missing)));
  }
  return p;
}

namespace {

// The VRT of 242 Hyperion bands in radiance, band b (0-based) read from band sourceBand(b) of file sourceFile(b).
template <typename Source>
std::string hyperionVrt(GDALDataset& grid, const std::string& productName, const std::string& level, Source source) {
  const HyperionBandTable table = HyperionBandTable::loadShipped();
  std::string xml = fmt::format("<VRTDataset rasterXSize=\"{}\" rasterYSize=\"{}\">\n", grid.GetRasterXSize(),
                                grid.GetRasterYSize()) +
                    vrtGeoreferencing(grid);
  xml += fmt::format(
      "  <Metadata><MDI key=\"HYPERION_PRODUCT\">{}</MDI><MDI key=\"{}\">{}</MDI>"
      "<MDI key=\"RADIANCE_UNITS\">W m-2 sr-1 um-1</MDI></Metadata>\n",
      xmlEscaped(productName), kHyperionLevelItem, xmlEscaped(level));
  for (int b = 0; b < kHyperionBands; ++b) {
    const auto [file, sourceBand] = source(b);
    const SpectralBand& s = table.bands[b];
    xml += vrtScaledBand({b + 1, fmt::format("B{:03d}", b + 1), vrtWavelengthItems(s.wavelengthNm, s.fwhmNm), "nan",
                          file, sourceBand, 0, 0, hyperionRadianceScale(b + 1), ""});
  }
  return xml + "</VRTDataset>\n";
}

}  // namespace

std::string writeHyperionVrt(const HyperionProduct& product) {
  initGdal();
  std::unique_ptr<GDALDataset> first(
      GDALDataset::Open(product.bandFiles[0].c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  if (!first) throw InputError(fmt::format("{}: cannot be opened ({})", product.bandFiles[0], takeGdalError()));
  const int width = first->GetRasterXSize(), height = first->GetRasterYSize();
  for (int b = 1; b < kHyperionBands; ++b) {
    std::unique_ptr<GDALDataset> ds(GDALDataset::Open(product.bandFiles[b].c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!ds) throw InputError(fmt::format("{}: cannot be opened ({})", product.bandFiles[b], takeGdalError()));
    if (ds->GetRasterXSize() != width || ds->GetRasterYSize() != height)
      throw InputError(fmt::format("{}: {} x {} pixels, but band 1 has {} x {}", product.bandFiles[b],
                                   ds->GetRasterXSize(), ds->GetRasterYSize(), width, height));
  }
  const std::string xml = hyperionVrt(*first, product.folder, product.level, [&](int b) {
    return std::pair{product.bandFiles[b], 1};
  });
  return writeInMemoryVrt(fs::path(product.folder).filename().string() + ".hyperion", xml);
}

namespace {

// The in-memory copies of the L1R files read in this process, by absolute path (empty: not copied yet).
struct L1rCopies {
  std::mutex mutex;
  std::map<std::string, std::string> byPath;
};
L1rCopies& l1rCopies() {
  static L1rCopies copies;
  return copies;
}
std::string l1rKey(const std::string& path) {
  return fs::absolute(path).lexically_normal().string();
}

}  // namespace

bool isHyperionL1r(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return false;
  {  // Copied already: every open after the first (info, then the read) skips the check.
    L1rCopies& copies = l1rCopies();
    const std::lock_guard lock(copies.mutex);
    const auto it = copies.byPath.find(l1rKey(path));
    if (it != copies.byPath.end() && !it->second.empty()) return true;
  }
  // HDF4's magic number, before GDAL is asked anything.
  std::ifstream in(path, std::ios::binary);
  unsigned char magic[4] = {};
  if (!in.read(reinterpret_cast<char*>(magic), 4) || magic[0] != 0x0e || magic[1] != 0x03 || magic[2] != 0x13 ||
      magic[3] != 0x01)
    return false;
  initGdal();
  std::unique_ptr<GDALDataset> ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  takeGdalError();
  const char* by = ds ? ds->GetMetadataItem("L1 File Generated By") : nullptr;
  return by && toUpper(by).rfind("HYP VERSION", 0) == 0;
}

std::string writeHyperionL1rVrt(const std::string& path) {
  initGdal();
  // One copy per file and process: every open of the same file (info, then the read) reads that copy.
  L1rCopies& copies = l1rCopies();
  const std::lock_guard lock(copies.mutex);
  std::string& copy = copies.byPath[l1rKey(path)];
  if (copy.empty()) {
    std::unique_ptr<GDALDataset> md(GDALDataset::Open(path.c_str(), GDAL_OF_MULTIDIM_RASTER | GDAL_OF_READONLY));
    if (!md) throw InputError(fmt::format("{}: cannot be opened as HDF4 ({})", path, takeGdalError()));
    // The first three-dimensional array with 242 entries on its middle axis (the L1R's radiance).
    std::shared_ptr<GDALMDArray> radiance;
    std::vector<std::shared_ptr<GDALGroup>> groups{md->GetRootGroup()};
    std::string shapes;
    while (!groups.empty() && !radiance) {
      const std::shared_ptr<GDALGroup> g = groups.back();
      groups.pop_back();
      if (!g) continue;
      for (const std::string& name : g->GetMDArrayNames()) {
        std::shared_ptr<GDALMDArray> a = g->OpenMDArray(name);
        if (!a) continue;
        const auto dims = a->GetDimensions();
        std::vector<std::string> sizes;
        for (const auto& d : dims) sizes.push_back(std::to_string(d->GetSize()));
        shapes += fmt::format("{}{} ({})", shapes.empty() ? "" : ", ", name, fmt::join(sizes, " x "));
        if (dims.size() == 3 && dims[1]->GetSize() == kHyperionBands) {
          radiance = a;
          break;
        }
      }
      for (const std::string& name : g->GetGroupNames()) groups.push_back(g->OpenGroup(name));
    }
    if (!radiance)
      throw InputError(fmt::format("{}: a Hyperion L1R file without a lines x 242 x samples dataset (it holds: {})",
                                   path, shapes.empty() ? "no arrays" : shapes));
    std::unique_ptr<GDALDataset> classic(radiance->AsClassicDataset(2, 0));
    if (!classic) throw InputError(fmt::format("{}: its radiance cannot be read ({})", path, takeGdalError()));
    const std::string name =
        fmt::format("/vsimem/hsifuse/{}.{}.l1r.tif", fs::path(path).filename().string(), copies.byPath.size());
    const char* const options[] = {"INTERLEAVE=BAND", "TILED=YES", nullptr};
    std::unique_ptr<GDALDataset> out(GetGDALDriverManager()->GetDriverByName("GTiff")->CreateCopy(
        name.c_str(), classic.get(), FALSE, const_cast<char**>(options), nullptr, nullptr));
    if (!out) throw InputError(fmt::format("{}: its radiance cannot be copied ({})", path, takeGdalError()));
    copy = name;
  }
  std::unique_ptr<GDALDataset> grid(GDALDataset::Open(copy.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  if (!grid) throw InputError(fmt::format("{}: its copy cannot be read ({})", path, takeGdalError()));
  const std::string xml = hyperionVrt(*grid, path, "L1R", [&](int b) { return std::pair{copy, b + 1}; });
  return writeInMemoryVrt(fs::path(path).filename().string() + ".hyperion", xml);
}

}  // namespace hsifuse
