#include "geo/Sentinel2Product.h"

#include <cpl_minixml.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gdal_priv.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <memory>

#include "geo/GdalEnvironment.h"
#include "geo/InMemoryVrt.h"
#include "geo/RasterInfo.h"
#include "lib/core/Error.h"
#include "lib/core/Text.h"

namespace fs = std::filesystem;

namespace hsifuse {
namespace {

// band_id in the product metadata -> band name, and each band's nominal resolution (m).
constexpr std::array<const char*, 13> kBandIds = {"B1", "B2",  "B3", "B4",  "B5",  "B6", "B7",
                                                  "B8", "B8A", "B9", "B10", "B11", "B12"};
int nominalResolution(const std::string& band) {
  if (band == "B2" || band == "B3" || band == "B4" || band == "B8") return 10;
  if (band == "B1" || band == "B9" || band == "B10") return 60;
  return 20;
}

// "B02" -> "B2", "b8a" -> "B8A"; other names upper-cased.
std::string canonicalBand(const std::string& name) {
  std::string n = toUpper(name);
  if (n.size() == 3 && n[0] == 'B' && n[1] == '0' && std::isdigit(static_cast<unsigned char>(n[2]))) n.erase(1, 1);
  return n;
}

struct XmlTree {
  CPLXMLNode* root = nullptr;
  ~XmlTree() {
    if (root) CPLDestroyXMLNode(root);
  }
};

// Every element named `name` under `node`, depth first.
void collect(CPLXMLNode* node, const char* name, std::vector<CPLXMLNode*>& out) {
  for (CPLXMLNode* n = node; n; n = n->psNext) {
    if (n->eType != CXT_Element) continue;
    if (EQUAL(n->pszValue, name)) out.push_back(n);
    collect(n->psChild, name, out);
  }
}
std::vector<CPLXMLNode*> elements(CPLXMLNode* root, const char* name) {
  std::vector<CPLXMLNode*> out;
  collect(root, name, out);
  return out;
}
std::string text(CPLXMLNode* n) {
  const char* v = CPLGetXMLValue(n, nullptr, "");
  return v ? v : "";
}
std::optional<std::string> firstText(CPLXMLNode* root, const char* name) {
  const auto found = elements(root, name);
  if (found.empty()) return std::nullopt;
  return text(found.front());
}
// A path inside the product (IMAGE_FILE is relative to the metadata file's folder, without its extension).
std::string inProduct(const std::string& metadataPath, const std::string& relative) {
  const std::string folder = CPLGetPath(metadataPath.c_str());
  return std::string(CPLFormFilename(folder.c_str(), relative.c_str(), nullptr));
}

// A band file opened, with its size and geotransform.
struct OpenedBand {
  std::unique_ptr<GDALDataset> ds;
  int width = 0, height = 0;
  std::array<double, 6> gt{};
};

std::vector<OpenedBand> openBands(const Sentinel2Product& product, const std::vector<Sentinel2BandFile>& bands) {
  initGdal();
  std::vector<OpenedBand> files;
  for (const auto& b : bands) {
    OpenedBand o;
    o.ds.reset(GDALDataset::Open(b.path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!o.ds)
      throw InputError(
          fmt::format("{}: band {} ({}) cannot be opened ({})", product.metadataPath, b.name, b.path, takeGdalError()));
    o.width = o.ds->GetRasterXSize();
    o.height = o.ds->GetRasterYSize();
    if (o.ds->GetGeoTransform(o.gt.data()) != CE_None)
      throw InputError(fmt::format("{}: band {} ({}) has no georeferencing", product.metadataPath, b.name, b.path));
    files.push_back(std::move(o));
  }
  return files;
}

// The band whose grid the VRTs take: the finest.
std::size_t finestBand(const std::vector<OpenedBand>& files) {
  std::size_t fine = 0;
  for (std::size_t i = 1; i < files.size(); ++i)
    if (std::fabs(files[i].gt[1]) < std::fabs(files[fine].gt[1])) fine = i;
  return fine;
}

}  // namespace

std::string Sentinel2Product::responseName() const {
  const std::string s = toUpper(spacecraft);
  if (s == "SENTINEL-2A") return "sentinel2a";
  if (s == "SENTINEL-2B") return "sentinel2b";
  return "";
}

std::vector<Sentinel2BandFile> Sentinel2Product::select(const std::vector<std::string>& names) const {
  std::vector<Sentinel2BandFile> out;
  for (const std::string& asked : names) {
    const std::string n = canonicalBand(asked);
    const auto it = std::find_if(bands.begin(), bands.end(), [&](const auto& b) { return b.name == n; });
    if (it == bands.end()) {
      std::vector<std::string> have;
      for (const auto& b : bands) have.push_back(b.name);
      throw InputError(
          fmt::format("--msi-bands: {} has no band '{}' (it has {})", metadataPath, asked, fmt::join(have, ",")));
    }
    out.push_back(*it);
  }
  return out;
}

const std::vector<std::string>& defaultSentinel2Bands() {
  static const std::vector<std::string> bands{"B2", "B3", "B4", "B8"};
  return bands;
}

std::optional<std::string> sentinel2MetadataFile(const std::string& path) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  const std::string name = fs::path(p).filename().string();
  const std::string u = toUpper(name);
  std::error_code ec;
  if (u == "MTD_MSIL1C.XML" || u == "MTD_MSIL2A.XML") return p;
  if (fs::is_directory(p, ec)) {
    for (const char* mtd : {"MTD_MSIL1C.xml", "MTD_MSIL2A.xml"})
      if (fs::is_regular_file(fs::path(p) / mtd, ec)) return (fs::path(p) / mtd).string();
    return std::nullopt;
  }
  const bool s2Zip = u.size() > 4 && u.compare(u.size() - 4, 4, ".ZIP") == 0 && u.rfind("S2", 0) == 0 &&
                     (u.find("_MSIL1C_") != std::string::npos || u.find("_MSIL2A_") != std::string::npos);
  if (!s2Zip || !fs::is_regular_file(p, ec)) return std::nullopt;
  // The zip holds NAME.SAFE/MTD_MSIL?A.xml.
  const std::string level = u.find("_MSIL1C_") != std::string::npos ? "L1C" : "L2A";
  const std::string safe = name.substr(0, name.size() - 4) + ".SAFE";
  return "/vsizip/" + fs::absolute(p).string() + "/" + safe + "/MTD_MSI" + level + ".xml";
}

Sentinel2Product readSentinel2Product(const std::string& metadataPath) {
  initGdal();
  XmlTree tree;
  tree.root = CPLParseXMLFile(metadataPath.c_str());
  if (!tree.root) throw InputError(metadataPath + ": cannot be read as Sentinel-2 product metadata (XML)");
  CPLStripXMLNamespace(tree.root, nullptr, TRUE);
  Sentinel2Product p;
  p.metadataPath = metadataPath;
  p.level = toUpper(metadataPath).find("MSIL2A") != std::string::npos ? "L2A" : "L1C";
  p.spacecraft = firstText(tree.root, "SPACECRAFT_NAME").value_or("");
  p.baseline = firstText(tree.root, "PROCESSING_BASELINE").value_or("");
  const auto q = firstText(tree.root, p.level == "L2A" ? "BOA_QUANTIFICATION_VALUE" : "QUANTIFICATION_VALUE");
  if (!q) throw InputError(metadataPath + ": no quantification value in the product metadata");
  p.quantification = parseDouble(*q, metadataPath + ": the quantification value");
  if (!(p.quantification > 0)) throw InputError(metadataPath + ": the quantification value is not positive");
  for (CPLXMLNode* special : elements(tree.root, "Special_Values")) {
    const std::string what = toUpper(CPLGetXMLValue(special, "SPECIAL_VALUE_TEXT", ""));
    const std::string index = CPLGetXMLValue(special, "SPECIAL_VALUE_INDEX", "");
    if (what == "NODATA") p.nodataDn = parseDouble(index, metadataPath + ": the NODATA special value");
    if (what == "SATURATED") p.saturatedDn = parseDouble(index, metadataPath + ": the SATURATED special value");
  }
  std::map<std::string, double> offsets;
  for (CPLXMLNode* o : elements(tree.root, p.level == "L2A" ? "BOA_ADD_OFFSET" : "RADIO_ADD_OFFSET")) {
    const int id = std::atoi(CPLGetXMLValue(o, "band_id", "-1"));
    if (id >= 0 && id < static_cast<int>(kBandIds.size()))
      offsets[kBandIds[id]] = parseDouble(text(o), metadataPath + ": a radiometric offset");
  }
  for (CPLXMLNode* f : elements(tree.root, "IMAGE_FILE")) {
    const std::string relative = text(f);
    // ..._B02 (L1C) or ..._B02_10m (L2A)
    std::vector<std::string> parts;
    std::string piece;
    for (char c : fs::path(relative).filename().string() + "_") {
      if (c != '_') {
        piece += c;
      } else if (!piece.empty()) {
        parts.push_back(piece);
        piece.clear();
      }
    }
    if (parts.empty()) continue;
    int resolution = 0;
    std::string band = parts.back();
    if (parts.size() >= 2 && band.size() >= 2 && band.back() == 'm' &&
        std::isdigit(static_cast<unsigned char>(band[0]))) {
      resolution = std::atoi(band.c_str());
      band = parts[parts.size() - 2];
    }
    band = canonicalBand(band);
    const std::string file = inProduct(metadataPath, relative) + ".jp2";
    if (band == "SCL") {
      if (p.sclPath.empty() || resolution == 20) p.sclPath = file;
      continue;
    }
    if (std::find(kBandIds.begin(), kBandIds.end(), band) == kBandIds.end()) continue;  // TCI, AOT, WVP
    if (resolution == 0) resolution = nominalResolution(band);
    auto same = std::find_if(p.bands.begin(), p.bands.end(), [&](const auto& b) { return b.name == band; });
    const Sentinel2BandFile entry{band, file, offsets.count(band) ? offsets[band] : 0.0, resolution};
    if (same == p.bands.end())
      p.bands.push_back(entry);
    else if (resolution < same->resolutionM)
      *same = entry;  // L2A lists a band at several resolutions: its finest is the native one
  }
  if (p.bands.empty()) throw InputError(metadataPath + ": the product metadata lists no band files (IMAGE_FILE)");
  return p;
}

std::string sentinel2Vrt(const Sentinel2Product& product, const std::vector<Sentinel2BandFile>& bands) {
  const std::vector<OpenedBand> files = openBands(product, bands);
  const std::size_t fine = finestBand(files);
  const OpenedBand& g = files[fine];
  std::string xml =
      fmt::format("<VRTDataset rasterXSize=\"{}\" rasterYSize=\"{}\">\n", g.width, g.height) + vrtGeoreferencing(*g.ds);
  xml += fmt::format(
      "  <Metadata><MDI key=\"SENTINEL2_PRODUCT\">{}</MDI><MDI key=\"SPACECRAFT_NAME\">{}</MDI>"
      "<MDI key=\"PROCESSING_BASELINE\">{}</MDI></Metadata>\n",
      xmlEscaped(product.metadataPath), xmlEscaped(product.spacecraft), xmlEscaped(product.baseline));
  for (std::size_t i = 0; i < bands.size(); ++i) {
    const OpenedBand& f = files[i];
    // The same extent as the grid's, to half a pixel of the grid.
    const double tolerance = 0.5 * std::fabs(g.gt[1]);
    if (std::fabs(f.gt[0] - g.gt[0]) > tolerance || std::fabs(f.gt[3] - g.gt[3]) > tolerance ||
        std::fabs(f.gt[0] + f.width * f.gt[1] - (g.gt[0] + g.width * g.gt[1])) > tolerance ||
        std::fabs(f.gt[3] + f.height * f.gt[5] - (g.gt[3] + g.height * g.gt[5])) > tolerance)
      throw InputError(fmt::format("{}: band {} does not cover the same extent as band {}", product.metadataPath,
                                   bands[i].name, bands[fine].name));
    // The band's nodata value is the reflectance a SATURATED DN gives, computed as the source computes it: DN 0
    // (NODATA, not read, so left at the band's nodata value) and saturated pixels then read as the same nodata value.
    // A coarser band is replicated onto the grid (nearest; the grids nest exactly, 2 x 2 or 6 x 6): its DN 0 and
    // SATURATED pixels stay exact over their footprint instead of blending into their neighbours, and its block
    // means at its native pixel, which fuse compares with (FuseScene::msiNativeRatio), are its own values. Measured
    // against bilinear on bench/native_resolution.sh's Wald pair: GSA, GLP-HS and ual to the hundredth of a dB alike.
    const double ratio = 1.0 / product.quantification, shift = bands[i].offset / product.quantification;
    const std::string nodata =
        product.saturatedDn ? fmt::format("{:.9g}", static_cast<float>(*product.saturatedDn * ratio + shift)) : "nan";
    xml += vrtScaledBand({static_cast<int>(i) + 1, bands[i].name,
                          fmt::format("<MDI key=\"{}\">{}</MDI>", kNativeResolutionItem, bands[i].resolutionM), nodata,
                          bands[i].path, 1, product.nodataDn, shift, ratio,
                          fmt::format("      <SrcRect xOff=\"0\" yOff=\"0\" xSize=\"{}\" ySize=\"{}\"/>\n"
                                      "      <DstRect xOff=\"0\" yOff=\"0\" xSize=\"{}\" ySize=\"{}\"/>\n",
                                      f.width, f.height, g.width, g.height)});
  }
  return xml + "</VRTDataset>\n";
}

const std::vector<int>& sentinel2CloudClasses() {
  static const std::vector<int> classes{3, 8, 9, 10, 11};
  return classes;
}

std::string writeSentinel2CloudMaskVrt(const Sentinel2Product& product, const std::vector<Sentinel2BandFile>& bands) {
  if (product.sclPath.empty())
    throw InputError(fmt::format("--mask-clouds: {} has no scene classification (SCL); it needs an L2A product",
                                 product.metadataPath));
  // The grid: the reflectance VRT's (its finest band's).
  const std::vector<OpenedBand> files = openBands(product, bands);
  const OpenedBand& g = files[finestBand(files)];
  std::unique_ptr<GDALDataset> scl(GDALDataset::Open(product.sclPath.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  if (!scl)
    throw InputError(
        fmt::format("{}: the SCL ({}) cannot be opened ({})", product.metadataPath, product.sclPath, takeGdalError()));
  // A step function on the integer classes: 1 for the classes left out, 0 for the others.
  std::string lut;
  for (int c = 0; c <= 15; ++c) {
    const auto& cloud = sentinel2CloudClasses();
    lut += fmt::format("{}{}:{}", c ? "," : "", c, std::find(cloud.begin(), cloud.end(), c) != cloud.end() ? 1 : 0);
  }
  std::string xml =
      fmt::format("<VRTDataset rasterXSize=\"{}\" rasterYSize=\"{}\">\n", g.width, g.height) + vrtGeoreferencing(*g.ds);
  xml += fmt::format(
      "  <VRTRasterBand dataType=\"Byte\" band=\"1\">\n"
      "    <Description>SCL cloud, shadow, cirrus or snow</Description>\n"
      "    <ComplexSource>\n"
      "      <SourceFilename relativeToVRT=\"0\">{}</SourceFilename>\n"
      "      <SourceBand>1</SourceBand>\n"
      "      <SrcRect xOff=\"0\" yOff=\"0\" xSize=\"{}\" ySize=\"{}\"/>\n"
      "      <DstRect xOff=\"0\" yOff=\"0\" xSize=\"{}\" ySize=\"{}\"/>\n"
      "      <LUT>{}</LUT>\n"
      "    </ComplexSource>\n"
      "  </VRTRasterBand>\n</VRTDataset>\n",
      xmlEscaped(product.sclPath), scl->GetRasterXSize(), scl->GetRasterYSize(), g.width, g.height, lut);
  const std::string folder = CPLGetPath(product.metadataPath.c_str());
  return writeInMemoryVrt(std::string(CPLGetFilename(folder.c_str())) + ".clouds", xml);
}

std::string writeSentinel2Vrt(const Sentinel2Product& product, const std::vector<Sentinel2BandFile>& bands) {
  const std::string folder = CPLGetPath(product.metadataPath.c_str());
  return writeInMemoryVrt(CPLGetFilename(folder.c_str()), sentinel2Vrt(product, bands));
}

}  // namespace hsifuse
