#include "geo/EnmapProduct.h"

#include <cpl_conv.h>
#include <cpl_minixml.h>
#include <cpl_vsi.h>
#include <fmt/format.h>
#include <gdal_priv.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <memory>

#include "geo/GdalEnvironment.h"
#include "geo/InMemoryVrt.h"
#include "lib/core/Error.h"
#include "lib/core/Text.h"

namespace fs = std::filesystem;

namespace hsifuse {
namespace {

bool isL2aMetadataName(const std::string& name) {
  const std::string u = toLower(name);
  return u.rfind("enmap", 0) == 0 && u.find("l2a") != std::string::npos && u.size() > 12 &&
         u.compare(u.size() - 12, 12, "metadata.xml") == 0;
}

std::vector<int> channelList(CPLXMLNode* root, const char* path) {
  std::vector<int> out;
  for (const std::string& t : split(CPLGetXMLValue(root, path, ""), ','))
    if (!t.empty()) out.push_back(std::atoi(t.c_str()));
  return out;
}

}  // namespace

std::optional<std::string> enmapMetadataFile(const std::string& path) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  const std::string name = fs::path(p).filename().string();
  std::error_code ec;
  if (fs::is_regular_file(p, ec) && isL2aMetadataName(name)) return p;
  if (fs::is_directory(p, ec)) {
    for (const auto& e : fs::directory_iterator(p, ec))
      if (isL2aMetadataName(e.path().filename().string())) return e.path().string();
    return std::nullopt;
  }
  // NAME.ZIP holds NAME/NAME-METADATA.XML.
  const std::string u = toLower(name);
  if (fs::is_regular_file(p, ec) && u.rfind("enmap", 0) == 0 && u.find("l2a") != std::string::npos && u.size() > 4 &&
      u.compare(u.size() - 4, 4, ".zip") == 0) {
    const std::string stem = name.substr(0, name.size() - 4);
    return "/vsizip/" + fs::absolute(p).string() + "/" + stem + "/" + stem + "-METADATA.XML";
  }
  return std::nullopt;
}

EnmapProduct readEnmapProduct(const std::string& metadataPath) {
  initGdal();
  std::unique_ptr<CPLXMLNode, void (*)(CPLXMLNode*)> tree(CPLParseXMLFile(metadataPath.c_str()), CPLDestroyXMLNode);
  if (!tree) throw InputError(metadataPath + ": cannot be read as EnMAP product metadata (XML)");
  CPLStripXMLNamespace(tree.get(), nullptr, TRUE);
  CPLXMLNode* root = tree.get();
  while (root && (root->eType != CXT_Element || root->pszValue[0] == '?')) root = root->psNext;  // past <?xml ...?>
  EnmapProduct p;
  p.metadataPath = metadataPath;
  // The spectral image beside the metadata: ...-METADATA.XML -> ...-SPECTRAL_IMAGE.TIF (or .tif).
  const std::string stem = metadataPath.substr(0, metadataPath.size() - std::string("METADATA.XML").size());
  for (const char* ext : {"SPECTRAL_IMAGE.TIF", "SPECTRAL_IMAGE.tif", "SPECTRAL_IMAGE.GTIF"}) {
    VSIStatBufL st;
    if (VSIStatL((stem + ext).c_str(), &st) == 0) {
      p.imagePath = stem + ext;
      break;
    }
  }
  if (p.imagePath.empty())
    throw InputError(
        fmt::format("{}: the product's SPECTRAL_IMAGE is not beside it ({}SPECTRAL_IMAGE.TIF)", metadataPath, stem));
  CPLXMLNode* table = CPLGetXMLNode(root, "specific.bandCharacterisation");
  if (!table) throw InputError(metadataPath + ": no band table (specific/bandCharacterisation) in the metadata");
  std::vector<EnmapBand> all;
  for (CPLXMLNode* b = table->psChild; b; b = b->psNext) {
    if (b->eType != CXT_Element || !EQUAL(b->pszValue, "bandID")) continue;
    EnmapBand band;
    band.number = static_cast<int>(all.size()) + 1;
    band.wavelengthNm =
        parseDouble(CPLGetXMLValue(b, "wavelengthCenterOfBand", ""), metadataPath + ": wavelengthCenterOfBand");
    band.fwhmNm = parseDouble(CPLGetXMLValue(b, "FWHMOfBand", ""), metadataPath + ": FWHMOfBand");
    band.gain = parseDouble(CPLGetXMLValue(b, "GainOfBand", "1"), metadataPath + ": GainOfBand");
    band.offset = parseDouble(CPLGetXMLValue(b, "OffsetOfBand", "0"), metadataPath + ": OffsetOfBand");
    all.push_back(band);
  }
  if (all.empty()) throw InputError(metadataPath + ": the band table lists no band");
  // Bands the processor filled with no data.
  std::vector<bool> empty(all.size(), false);
  if (CPLXMLNode* stats = CPLGetXMLNode(root, "product.bandStatistics")) {
    std::size_t i = 0;
    for (CPLXMLNode* b = stats->psChild; b && i < all.size(); b = b->psNext) {
      if (b->eType != CXT_Element || !EQUAL(b->pszValue, "bandID")) continue;
      empty[i++] = std::atof(CPLGetXMLValue(b, "stdDeviation", "1")) == 0 &&
                   std::atof(CPLGetXMLValue(b, "mean", "0")) == -1000000;
    }
  }
  // The detector overlap: VNIR channels at or above the first SWIR centre are dropped.
  const std::vector<int> vnir = channelList(root, "specific.vnirProductQuality.expectedChannelsList"),
                         swir = channelList(root, "specific.swirProductQuality.expectedChannelsList");
  double swirStart = INFINITY;
  for (int c : swir)
    if (c >= 1 && c <= static_cast<int>(all.size())) swirStart = std::min(swirStart, all[c - 1].wavelengthNm);
  for (const EnmapBand& b : all) {
    const bool inOverlap = std::find(vnir.begin(), vnir.end(), b.number) != vnir.end() &&
                           std::find(swir.begin(), swir.end(), b.number) == swir.end() && b.wavelengthNm >= swirStart;
    if (empty[b.number - 1] || inOverlap)
      p.droppedBands.push_back(b.number);
    else
      p.bands.push_back(b);
  }
  return p;
}

std::string writeEnmapVrt(const EnmapProduct& product) {
  initGdal();
  std::unique_ptr<GDALDataset> image(GDALDataset::Open(product.imagePath.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  if (!image) throw InputError(fmt::format("{}: cannot be opened ({})", product.imagePath, takeGdalError()));
  for (const EnmapBand& b : product.bands)
    if (b.number > image->GetRasterCount())
      throw InputError(fmt::format("{}: the metadata names band {} but the image has {}", product.imagePath, b.number,
                                   image->GetRasterCount()));
  std::string xml =
      fmt::format("<VRTDataset rasterXSize=\"{}\" rasterYSize=\"{}\">\n", image->GetRasterXSize(),
                  image->GetRasterYSize()) +
      vrtGeoreferencing(*image) +
      fmt::format("  <Metadata><MDI key=\"ENMAP_PRODUCT\">{}</MDI></Metadata>\n", xmlEscaped(product.metadataPath));
  int out = 0;
  for (const EnmapBand& b : product.bands)
    xml += vrtScaledBand({++out, fmt::format("band {} ({:.2f} nm)", b.number, b.wavelengthNm),
                          vrtWavelengthItems(b.wavelengthNm, b.fwhmNm), "nan", product.imagePath, b.number,
                          product.nodataDn, b.offset, b.gain, ""});
  xml += "</VRTDataset>\n";
  return writeInMemoryVrt(fs::path(product.metadataPath).parent_path().filename().string() + ".enmap", xml);
}

}  // namespace hsifuse
