#include "geo/SpectralMetadata.h"

#include <fmt/format.h>
#include <gdal_priv.h>

#include <cmath>

#include "geo/RasterInfo.h"
#include "lib/core/Error.h"
#include "lib/core/Text.h"

namespace hsifuse {
namespace {

const char* item(GDALMajorObject& o, const char* key, const char* domain = "") {
  const char* v = o.GetMetadataItem(key, domain);
  return v && *v ? v : nullptr;
}

// The dataset-level unit item, in the default or ENVI domain, as GDAL and ENVI spell it.
const char* datasetUnits(GDALDataset& ds) {
  for (const char* domain : {"", "ENVI"})
    for (const char* key : {"wavelength_units", "wavelength units", "WAVELENGTH_UNITS"})
      if (const char* v = item(ds, key, domain)) return v;
  return nullptr;
}

// `note` says how a missing unit was decided; a unit of 'Unknown' also sets `warning` (a guess worth telling).
double unitFactor(const char* unit, const std::string& path, const std::vector<double>& values, std::string& note,
                  std::string& warning) {
  // ENVI writes 'Unknown' when the producer did not say: the values' size decides, as when no unit is given.
  const bool unknown = unit && EQUAL(trim(unit).c_str(), "Unknown");
  if (unknown) unit = nullptr;
  if (unit) {
    auto f = nanometresPerUnit(unit);
    if (!f)
      throw InputError(fmt::format(
          "{}: unknown wavelength unit '{}' (expected nm or um; override with --wavelengths CSV)", path, unit));
    return *f;
  }
  // No unit given: no optical sensor measures beyond 100 um or below 100 nm, so the values tell.
  double maxValue = 0;
  for (double v : values) maxValue = std::max(maxValue, v);
  const bool micrometres = maxValue < 100;
  note = fmt::format(" ({}: values taken as {})", unknown ? "unit 'Unknown'" : "no unit given",
                     micrometres ? "um, all under 100" : "nm");
  if (unknown)
    warning = fmt::format(
        "{}: wavelength units are 'Unknown'; the values were taken as {}; check them or pass "
        "--wavelengths CSV",
        path, micrometres ? "micrometres (all under 100)" : "nanometres");
  return micrometres ? 1000.0 : 1.0;
}

std::vector<double> datasetList(GDALDataset& ds, const char* key, std::string& domainOut) {
  for (const char* domain : {"ENVI", ""})
    if (const char* v = item(ds, key, domain)) {
      std::string t = trim(v);
      if (t.empty() || t.front() != '{') continue;  // a per-band scalar, not a list
      domainOut = *domain ? domain : "default";
      return parseNumberList(t, std::string(ds.GetDescription()) + ": metadata '" + key + "'");
    }
  return {};
}

}  // namespace

bool isSpectralMetadataKey(const std::string& domain, const std::string& key) {
  const std::string k = toLower(key);
  if (domain == "IMAGERY") return k == "central_wavelength_um" || k == "fwhm_um";
  if (domain == "" || domain == "ENVI")
    return k == "wavelength" || k == "fwhm" || k == "wavelength_units" || k == "wavelength units" || k == "bbl";
  return false;
}

void readSpectralMetadata(GDALDataset& ds, RasterInfo& info) {
  const int n = ds.GetRasterCount();
  const std::string& path = info.path;
  std::string note;

  // 1. per-band items
  bool perBand = n > 0;
  for (int b = 1; b <= n && perBand; ++b) perBand = item(*ds.GetRasterBand(b), "wavelength") != nullptr;
  if (perBand) {
    std::vector<double> wl(n), fw(n, NAN), factor(n);
    for (int b = 1; b <= n; ++b) {
      GDALRasterBand& band = *ds.GetRasterBand(b);
      wl[b - 1] = parseDouble(item(band, "wavelength"), fmt::format("{}: band {} 'wavelength'", path, b));
      if (const char* f = item(band, "fwhm")) fw[b - 1] = parseDouble(f, fmt::format("{}: band {} 'fwhm'", path, b));
    }
    for (int b = 1; b <= n; ++b) {
      const char* unit = item(*ds.GetRasterBand(b), "wavelength_units");
      if (!unit) unit = datasetUnits(ds);
      factor[b - 1] = unitFactor(unit, path, wl, note, info.wavelengthWarning);
    }
    // ENVI files carry per-band wavelengths but FWHM only as the dataset list.
    std::string fwDomain;
    std::vector<double> fwList = datasetList(ds, "fwhm", fwDomain);
    for (int b = 0; b < n; ++b) {
      if (std::isnan(fw[b]) && static_cast<int>(fwList.size()) == n) fw[b] = fwList[b];
      info.bands[b].spectral = {wl[b] * factor[b], fw[b] * factor[b]};
    }
    info.wavelengthSource = "per-band 'wavelength' items" + note;
  } else {
    // 2. dataset lists
    std::string domain;
    std::vector<double> wl = datasetList(ds, "wavelength", domain);
    if (!wl.empty()) {
      if (static_cast<int>(wl.size()) != n)
        throw InputError(
            fmt::format("{}: the 'wavelength' list has {} values for {} bands (fix the header, or pass "
                        "--wavelengths CSV)",
                        path, wl.size(), n));
      std::string fwDomain;
      std::vector<double> fw = datasetList(ds, "fwhm", fwDomain);
      if (!fw.empty() && static_cast<int>(fw.size()) != n)
        throw InputError(fmt::format("{}: the 'fwhm' list has {} values for {} bands", path, fw.size(), n));
      const double f = unitFactor(datasetUnits(ds), path, wl, note, info.wavelengthWarning);
      for (int b = 0; b < n; ++b) info.bands[b].spectral = {wl[b] * f, fw.empty() ? NAN : fw[b] * f};
      info.wavelengthSource = "dataset 'wavelength' list (" + domain + " domain)" + note;
    } else {
      // 3. IMAGERY domain
      bool imagery = n > 0;
      for (int b = 1; b <= n && imagery; ++b)
        imagery = item(*ds.GetRasterBand(b), "CENTRAL_WAVELENGTH_UM", "IMAGERY") != nullptr;
      if (imagery) {
        for (int b = 1; b <= n; ++b) {
          GDALRasterBand& band = *ds.GetRasterBand(b);
          SpectralBand s;
          s.wavelengthNm =
              1000 * parseDouble(item(band, "CENTRAL_WAVELENGTH_UM", "IMAGERY"), path + ": CENTRAL_WAVELENGTH_UM");
          if (const char* f = item(band, "FWHM_UM", "IMAGERY")) s.fwhmNm = 1000 * parseDouble(f, path + ": FWHM_UM");
          info.bands[b - 1].spectral = s;
        }
        info.wavelengthSource = "IMAGERY CENTRAL_WAVELENGTH_UM items";
      }
    }
  }

  std::string bblDomain;
  std::vector<double> bbl = datasetList(ds, "bbl", bblDomain);
  if (!bbl.empty()) {
    if (static_cast<int>(bbl.size()) != n)
      throw InputError(fmt::format("{}: the 'bbl' list has {} values for {} bands", path, bbl.size(), n));
    for (double v : bbl) info.badBandList.push_back(v != 0 ? 1 : 0);
  }
}

void applyWavelengthTable(const std::string& csvPath, RasterInfo& info) {
  auto table = loadBandTable(csvPath);
  if (static_cast<int>(table.size()) != info.bandCount())
    throw InputError(fmt::format("--wavelengths: {} has {} rows but {} has {} bands", csvPath, table.size(), info.path,
                                 info.bandCount()));
  for (int b = 0; b < info.bandCount(); ++b) info.bands[b].spectral = table[b];
  info.wavelengthSource = "table " + csvPath;
}

void writeSpectralMetadata(const RasterInfo& info, GDALDataset& ds) {
  const int n = info.bandCount();
  if (info.hasWavelengths()) {
    bool anyFwhm = false;
    std::string wl, fw;
    for (int b = 0; b < n; ++b) {
      const SpectralBand& s = info.bands[b].spectral;
      GDALRasterBand& band = *ds.GetRasterBand(b + 1);
      band.SetMetadataItem("wavelength", fmt::format("{:.4f}", s.wavelengthNm).c_str());
      band.SetMetadataItem("wavelength_units", "nm");
      band.SetMetadataItem("CENTRAL_WAVELENGTH_UM", fmt::format("{:.7f}", s.wavelengthNm / 1000).c_str(), "IMAGERY");
      if (s.hasFwhm()) {
        anyFwhm = true;
        band.SetMetadataItem("fwhm", fmt::format("{:.4f}", s.fwhmNm).c_str());
        band.SetMetadataItem("FWHM_UM", fmt::format("{:.7f}", s.fwhmNm / 1000).c_str(), "IMAGERY");
      }
      wl += fmt::format("{}{:.4f}", b ? ", " : "", s.wavelengthNm);
      fw += fmt::format("{}{:.4f}", b ? ", " : "", s.hasFwhm() ? s.fwhmNm : 0.0);
    }
    for (const char* domain : {"", "ENVI"}) {
      ds.SetMetadataItem("wavelength", ("{" + wl + "}").c_str(), domain);
      if (anyFwhm) ds.SetMetadataItem("fwhm", ("{" + fw + "}").c_str(), domain);
    }
    ds.SetMetadataItem("wavelength_units", "nm");
    ds.SetMetadataItem("wavelength_units", "Nanometers", "ENVI");
  }
  if (!info.badBandList.empty()) {
    std::string bbl;
    for (std::size_t b = 0; b < info.badBandList.size(); ++b)
      bbl += (b ? ", " : "") + std::to_string(info.badBandList[b]);
    ds.SetMetadataItem("bbl", ("{" + bbl + "}").c_str(), "ENVI");
  }
}

}  // namespace hsifuse
