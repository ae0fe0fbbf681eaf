#include "geo/RasterInfo.h"

#include <cmath>

#include "lib/core/Error.h"
#include "lib/core/Text.h"

namespace hsifuse {

std::optional<std::string> metadataItem(const std::map<std::string, MetadataList>& metadata, const std::string& key,
                                        const std::string& domain) {
  const auto items = metadata.find(domain);
  if (items == metadata.end()) return std::nullopt;
  for (const auto& [k, value] : items->second)
    if (k == key) return value;
  return std::nullopt;
}

std::optional<double> BandInfo::nativeResolution(const std::string& path) const {
  const std::optional<std::string> value = metadataItem(metadata, kNativeResolutionItem);
  if (!value) return std::nullopt;
  const double v = parseDouble(*value, path + ": band '" + description + "' " + kNativeResolutionItem);
  if (!(v > 0)) throw InputError(path + ": band '" + description + "' " + kNativeResolutionItem + " must be positive");
  return v;
}
namespace {

// Splits a per-band list value; empty when the value is not a list of exactly `n` items.
std::vector<std::string> perBandItems(const std::string& value, std::size_t n) {
  std::string t = trim(value);
  bool braces = t.size() >= 2 && t.front() == '{' && t.back() == '}';
  if (braces) t = t.substr(1, t.size() - 2);
  // Two-item values are too often something else ("x,y") to be taken for per-band lists.
  if (n < 3 || t.find(',') == std::string::npos) return {};
  auto items = split(t, ',');
  if (items.size() != n) return {};
  for (auto& s : items) s = trim(s);
  return items;
}

}  // namespace

void RasterInfo::moveOriginTo(int col, int row) {
  if (!geotransform) return;
  auto& g = *geotransform;
  g[0] += col * g[1] + row * g[2];
  g[3] += col * g[4] + row * g[5];
}

std::vector<std::optional<double>> RasterInfo::nodataValues() const {
  std::vector<std::optional<double>> out;
  for (const BandInfo& b : bands) out.push_back(b.nodata);
  return out;
}

std::vector<SpectralBand> RasterInfo::spectralBands() const {
  std::vector<SpectralBand> out;
  for (const auto& b : bands) out.push_back(b.spectral);
  return out;
}

std::pair<double, double> RasterInfo::pixelSize() const {
  if (!geotransform) return {1.0, 1.0};
  const auto& g = *geotransform;
  return {std::hypot(g[1], g[4]), std::hypot(g[2], g[5])};
}

RasterInfo RasterInfo::selectBands(const std::vector<int>& indices) const {
  RasterInfo out = *this;
  out.bands.clear();
  for (int i : indices) out.bands.push_back(bands.at(i));
  if (!badBandList.empty()) {
    out.badBandList.clear();
    for (int i : indices) out.badBandList.push_back(badBandList.at(i));
  }
  for (auto& [domain, items] : out.metadata) {
    for (auto& [key, value] : items) {
      auto list = perBandItems(value, bands.size());
      if (list.empty()) continue;
      const bool braces = !trim(value).empty() && trim(value).front() == '{';
      std::string joined;
      for (std::size_t k = 0; k < indices.size(); ++k) joined += (k ? (braces ? ", " : ",") : "") + list[indices[k]];
      value = braces ? "{" + joined + "}" : joined;
    }
  }
  return out;
}

void RasterInfo::requireWavelengths(const std::string& purpose) const {
  for (int i = 0; i < bandCount(); ++i)
    if (!bands[i].spectral.hasWavelength())
      throw InputError(
          path + ": band " + std::to_string(i + 1) + " has no wavelength, which " + purpose +
          " needs; add per-band 'wavelength' and 'wavelength_units' metadata, an ENVI "
          "'wavelength = {...}' list, or pass --wavelengths CSV (one row per band: wavelength_nm[,fwhm_nm])");
}

}  // namespace hsifuse
