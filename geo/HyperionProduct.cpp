#include "geo/HyperionProduct.h"

#include <fmt/format.h>
#include <gdal_priv.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <memory>
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

std::string writeHyperionVrt(const HyperionProduct& product) {
  initGdal();
  const HyperionBandTable table = HyperionBandTable::loadShipped();
  std::unique_ptr<GDALDataset> first(
      GDALDataset::Open(product.bandFiles[0].c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  if (!first) throw InputError(fmt::format("{}: cannot be opened ({})", product.bandFiles[0], takeGdalError()));
  const int width = first->GetRasterXSize(), height = first->GetRasterYSize();
  std::string xml =
      fmt::format("<VRTDataset rasterXSize=\"{}\" rasterYSize=\"{}\">\n", width, height) + vrtGeoreferencing(*first);
  xml += fmt::format(
      "  <Metadata><MDI key=\"HYPERION_PRODUCT\">{}</MDI><MDI key=\"HYPERION_LEVEL\">{}</MDI>"
      "<MDI key=\"RADIANCE_UNITS\">W m-2 sr-1 um-1</MDI></Metadata>\n",
      xmlEscaped(product.folder), xmlEscaped(product.level));
  for (int b = 0; b < kHyperionBands; ++b) {
    std::unique_ptr<GDALDataset> ds(GDALDataset::Open(product.bandFiles[b].c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!ds) throw InputError(fmt::format("{}: cannot be opened ({})", product.bandFiles[b], takeGdalError()));
    if (ds->GetRasterXSize() != width || ds->GetRasterYSize() != height)
      throw InputError(fmt::format("{}: {} x {} pixels, but band 1 has {} x {}", product.bandFiles[b],
                                   ds->GetRasterXSize(), ds->GetRasterYSize(), width, height));
    const SpectralBand& s = table.bands[b];
    xml += fmt::format(
        "  <VRTRasterBand dataType=\"Float32\" band=\"{}\">\n"
        "    <Description>B{:03d}</Description>\n"
        "    <NoDataValue>nan</NoDataValue>\n"
        "    <Metadata><MDI key=\"wavelength\">{:.4f}</MDI><MDI key=\"fwhm\">{:.4f}</MDI>"
        "<MDI key=\"wavelength_units\">nm</MDI></Metadata>\n"
        "    <ComplexSource>\n"
        "      <SourceFilename relativeToVRT=\"0\">{}</SourceFilename>\n"
        "      <SourceBand>1</SourceBand>\n"
        "      <NODATA>0</NODATA>\n"
        "      <ScaleOffset>0</ScaleOffset>\n"
        "      <ScaleRatio>{:.17g}</ScaleRatio>\n"
        "    </ComplexSource>\n"
        "  </VRTRasterBand>\n",
        b + 1, b + 1, s.wavelengthNm, s.fwhmNm, xmlEscaped(product.bandFiles[b]), hyperionRadianceScale(b + 1));
  }
  xml += "</VRTDataset>\n";
  return writeInMemoryVrt(fs::path(product.folder).filename().string() + ".hyperion", xml);
}

}  // namespace hsifuse
