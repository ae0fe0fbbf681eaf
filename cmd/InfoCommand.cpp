// hsi-fuse info FILE [FILE2] [--srf NAME|CSV] [--json]: what a scene holds, how two scenes relate,
// and the spectral response matrix P between them.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cmd/Command.h"
#include "cmd/CommonOptions.h"
#include "pipeline/JsonNumbers.h"
#include "geo/BandSubset.h"
#include "geo/GridRelation.h"
#include "geo/RasterDataset.h"
#include "lib/core/AtomicOutput.h"
#include "lib/core/CsvTable.h"
#include "lib/spectral/SpectralResponse.h"

namespace hsifuse {
namespace {

using nlohmann::json;

struct InfoOptions {
  std::string file;
  std::string file2;
  std::string srf;
  double minCoverage = kDefaultMinCoverage;
  std::string pOut;
  bool overwrite = false;
  bool json = false;
  BandFilterOptions filter;
};


json rasterJson(const RasterInfo& r) {
  json j;
  j["path"] = r.path;
  j["driver"] = r.driver;
  j["width"] = r.width;
  j["height"] = r.height;
  j["band_count"] = r.bandCount();
  j["crs"] = r.crsWkt.empty() ? json(nullptr)
                              : json{{"name", r.crsName}, {"epsg", r.epsg ? json(*r.epsg) : json(nullptr)},
                                     {"wkt", r.crsWkt}};
  j["geotransform"] = r.geotransform ? json(*r.geotransform) : json(nullptr);
  auto [px, py] = r.pixelSize();
  j["pixel_size"] = r.geotransform ? json{px, py} : json(nullptr);
  j["wavelength_source"] = r.wavelengthSource.empty() ? json(nullptr) : json(r.wavelengthSource);
  json bands = json::array();
  for (int b = 0; b < r.bandCount(); ++b) {
    const BandInfo& bi = r.bands[b];
    json jb{{"band", b + 1},
            {"description", bi.description},
            {"data_type", bi.dataType},
            {"nodata", bi.nodata ? finiteOrNull(*bi.nodata) : json(nullptr)},
            {"scale", bi.scale},
            {"offset", bi.offset},
            {"wavelength_nm", finiteOrNull(bi.spectral.wavelengthNm)},
            {"fwhm_nm", finiteOrNull(bi.spectral.fwhmNm)}};
    if (bi.nodata && std::isnan(*bi.nodata)) jb["nodata"] = "nan";
    json md = json::object();
    for (const auto& [domain, items] : bi.metadata)
      for (const auto& [k, v] : items) md[domain.empty() ? "default" : domain][k] = v;
    if (!md.empty()) jb["metadata"] = md;
    bands.push_back(jb);
  }
  j["bands"] = bands;
  json md = json::object();
  for (const auto& [domain, items] : r.metadata)
    for (const auto& [k, v] : items) md[domain.empty() ? "default" : domain][k] = v;
  j["metadata"] = md;
  j["bad_band_list"] = r.badBandList.empty() ? json(nullptr) : json(r.badBandList);
  return j;
}

std::string wavelengthSummary(const RasterInfo& r) {
  if (!r.hasWavelengths()) return "none (supply them with --wavelengths CSV)";
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& b : r.bands) {
    lo = std::min(lo, b.spectral.wavelengthNm);
    hi = std::max(hi, b.spectral.wavelengthNm);
  }
  return fmt::format("{} from {:.1f} to {:.1f} nm ({})", r.bandCount(), lo, hi, r.wavelengthSource);
}

void printRaster(const RasterInfo& r, std::ostream& out) {
  out << fmt::format("File:        {}\n", r.path);
  out << fmt::format("Driver:      {}\n", r.driver);
  out << fmt::format("Size:        {} x {} pixels (columns x rows), {} band(s)\n", r.width, r.height, r.bandCount());
  std::string types;
  for (const auto& b : r.bands)
    if (types.find(b.dataType) == std::string::npos) types += (types.empty() ? "" : ", ") + b.dataType;
  out << fmt::format("Data type:   {}\n", types);
  out << fmt::format("Wavelengths: {}\n", wavelengthSummary(r));
  if (r.crsWkt.empty())
    out << "CRS:         none (plain pixel grid)\n";
  else
    out << fmt::format("CRS:         {}{}\n", r.crsName, r.epsg ? fmt::format(" (EPSG:{})", *r.epsg) : "");
  if (r.geotransform) {
    auto [px, py] = r.pixelSize();
    const auto& g = *r.geotransform;
    out << fmt::format("Origin:      ({:.6f}, {:.6f})\nPixel size:  {:.6g} x {:.6g}\n", g[0], g[3], px, py);
  }
  std::string nodata;
  for (const auto& b : r.bands)
    if (b.nodata) {
      nodata = fmt::format("{:g}", *b.nodata);
      break;
    }
  out << fmt::format("Nodata:      {}\n", nodata.empty() ? "none" : nodata);
  if (!r.badBandList.empty()) {
    int bad = 0;
    for (int v : r.badBandList) bad += v == 0;
    out << fmt::format("Bad bands:   {} marked in the bbl list\n", bad);
  }
}

json selectionJson(const RasterInfo& r, const BandSelection& sel) {
  json kept = json::array(), dropped = json::array();
  for (int i : sel.kept) kept.push_back({{"band", i + 1}, {"wavelength_nm", finiteOrNull(r.bands[i].spectral.wavelengthNm)}});
  for (const auto& d : sel.dropped)
    dropped.push_back({{"band", d.index + 1},
                       {"wavelength_nm", finiteOrNull(r.bands[d.index].spectral.wavelengthNm)},
                       {"reason", d.reason}});
  return {{"kept", kept}, {"dropped", dropped}};
}

std::string bandList(const RasterInfo& r, const std::vector<int>& idx) {
  std::string s;
  for (std::size_t k = 0; k < idx.size(); ++k) {
    const auto& sb = r.bands[idx[k]].spectral;
    s += fmt::format("{}{}", k ? ", " : "", idx[k] + 1);
    if (sb.hasWavelength()) s += fmt::format(" ({:.1f})", sb.wavelengthNm);
  }
  return s;
}

class InfoCommand : public Command {
 public:
  std::string name() const override { return "info"; }
  std::string summary() const override { return "Describe a scene, a LR HSI / HR MSI pair, and their spectral response P."; }
  std::string description() const override {
    return "Prints size, bands, wavelength range and count, CRS, pixel size, nodata and data type of FILE. "
           "With FILE2 (FILE the low-resolution HSI, FILE2 the high-resolution MSI): the resolution ratio, whether "
           "it is within 1% of an integer, and the overlap on the HR grid. With --srf: how much of each MSI band's "
           "response the HSI covers (bands under --min-coverage are dropped with a warning) and the matrix P "
           "(MSI bands x HSI bands, rows sum to 1). Band filters select the HSI bands first and the kept and "
           "dropped bands are listed.";
  }
  void declare(OptionTable& t) override {
    t.positional("FILE", &o_.file, "Raster to describe (the low-resolution HSI when FILE2 is given).")
        .positional("FILE2", &o_.file2, "High-resolution MSI of the same place.", false)
        .text("srf", &o_.srf, "NAME|CSV",
              "MSI response curves: sentinel2a, sentinel2b, landsat8, nikon_d700, or a CSV (wavelength_nm then one "
              "column per band); or a P matrix CSV (msi_band then one column per HSI band).")
        .number("min-coverage", &o_.minCoverage, "FRACTION",
                "Drop MSI bands whose response the HSI covers less than this share of.").range(0, 1)
        .text("p-out", &o_.pOut, "CSV", "Write P as CSV (the format --srf reads back).")
        .flag("json", 0, &o_.json, "Print one JSON document on stdout instead of text.");
    o_.filter.declare(t);
    t.flag("overwrite", 0, &o_.overwrite, "Replace the --p-out file if it exists.");
  }

  int run(const CommonOptions& common, const ProgressFn&) override {
    OpenOptions open{o_.filter.wavelengths};
    const BandFilter filter = o_.filter.toFilter();
    checkOutputs({{o_.pOut, "--p-out"}},
                 {{o_.file, "FILE"}, {o_.file2, "FILE2"}, {o_.srf, "--srf"}, {o_.filter.wavelengths, "--wavelengths"}},
                 o_.overwrite);
    RasterInfo hsi = readRasterInfo(o_.file, open);
    json doc;
    doc["files"] = json::array({rasterJson(hsi)});
    // Everything is gathered before anything is printed: a failing step prints nothing but the error.
    std::ostringstream out;
    std::vector<std::string> warnings;
    if (!o_.json) printRaster(hsi, out);

    BandSelection selection;
    for (int i = 0; i < hsi.bandCount(); ++i) selection.kept.push_back(i);
    if (!filter.empty()) {
      selection = selectRasterBands(hsi, filter);
      doc["band_selection"] = selectionJson(hsi, selection);
      if (!o_.json) {
        out << fmt::format("Bands kept:  {} of {}: {}\n", selection.kept.size(), hsi.bandCount(), bandList(hsi, selection.kept));
        for (const auto& d : selection.dropped)
          out << fmt::format("  dropped band {}{}: {}\n", d.index + 1,
                             hsi.bands[d.index].spectral.hasWavelength()
                                 ? fmt::format(" ({:.1f} nm)", hsi.bands[d.index].spectral.wavelengthNm)
                                 : "",
                             d.reason);
      }
    }
    const RasterInfo kept = hsi.selectBands(selection.kept);

    std::optional<RasterInfo> msi;
    if (!o_.file2.empty()) {
      msi = readRasterInfo(o_.file2);
      doc["files"].push_back(rasterJson(*msi));
      GridRelation g = relateGrids(hsi, *msi);
      json jg{{"method", g.method},
              {"ratio", {g.ratioX, g.ratioY}},
              {"scale", g.scale > 0 ? json(g.scale) : json(nullptr)},
              {"near_integer", g.scale > 0},
              {"same_crs", g.sameCrs},
              {"overlap_hr", g.overlapHr ? json{{"col", g.overlapHr->col},
                                                 {"row", g.overlapHr->row},
                                                 {"width", g.overlapHr->width},
                                                 {"height", g.overlapHr->height}}
                                         : json(nullptr)},
              {"overlap_lr_pixels", {g.overlapLrCols, g.overlapLrRows}},
              {"note", g.note}};
      doc["grid"] = jg;
      if (!o_.json) {
        out << "\n";
        printRaster(*msi, out);
        out << fmt::format("\nGrids:       {}\n", g.method);
        out << fmt::format("Ratio:       {:.4f} x {:.4f} (LR pixel / HR pixel){}\n", g.ratioX, g.ratioY,
                           g.scale > 0 ? fmt::format(": integer scale {}", g.scale) : ": NOT near an integer");
        if (g.overlapHr)
          out << fmt::format("Overlap:     {} x {} HR pixels at column {}, row {} of {}; {} x {} whole LR pixels\n",
                             g.overlapHr->width, g.overlapHr->height, g.overlapHr->col, g.overlapHr->row, msi->path,
                             g.overlapLrCols, g.overlapLrRows);
        else
          out << "Overlap:     none\n";
        if (!g.note.empty()) out << "Note:        " << g.note << "\n";
      }
    }

    if (!o_.srf.empty()) {
      if (!SpectralResponse::isMatrixFile(resolveSrf(o_.srf))) kept.requireWavelengths("--srf (building P from response curves)");
      SpectralResponse sr = SpectralResponse::fromSpec(o_.srf, kept.spectralBands(), o_.minCoverage);
      warnings.insert(warnings.end(), sr.warnings().begin(), sr.warnings().end());
      json bands = json::array();
      for (const auto& b : sr.msiBands())
        bands.push_back({{"name", b.name}, {"coverage", finiteOrNull(b.coverage)}, {"kept", b.kept}});
      json hsiBands = json::array();
      for (int i : selection.kept) hsiBands.push_back(i + 1);
      doc["spectral_response"] = {{"source", sr.source()},
                                  {"min_coverage", o_.minCoverage},
                                  {"msi_bands", bands},
                                  {"hsi_bands", hsiBands},
                                  {"P", sr.matrix()},
                                  {"warnings", sr.warnings()}};
      if (msi && msi->bandCount() != static_cast<int>(sr.matrix().size()))
        doc["spectral_response"]["note"] =
            fmt::format("{} has {} band(s) but P has {} row(s): choose MSI bands to match", msi->path,
                        msi->bandCount(), sr.matrix().size());
      if (!o_.json) printResponse(sr, kept, out);
      if (!o_.pOut.empty()) writeTextFileAtomically(o_.pOut, sr.toCsv(kept.spectralBands()), o_.overwrite, "--p-out");
    }
    if (!common.quiet)
      for (const auto& w : warnings) std::cerr << "Warning: " << w << "\n";
    std::cout << (o_.json ? doc.dump(2) + "\n" : out.str());
    return 0;
  }

 private:
  static void printResponse(const SpectralResponse& sr, const RasterInfo& hsi, std::ostream& out) {
    out << fmt::format("\nSpectral response: {}\n", sr.source());
    out << fmt::format("  {:<18} {:>9}  {:<8} {}\n", "MSI band", "coverage", "status", "P row: centre of mass, main HSI bands");
    std::size_t row = 0;
    for (const auto& b : sr.msiBands()) {
      std::string detail;
      if (b.kept) {
        const auto& p = sr.matrix()[row++];
        double centre = 0;
        std::vector<std::pair<double, int>> top;
        for (std::size_t k = 0; k < p.size(); ++k) {
          centre += p[k] * hsi.bands[k].spectral.wavelengthNm;
          top.emplace_back(p[k], static_cast<int>(k));
        }
        std::sort(top.rbegin(), top.rend());
        detail = std::isfinite(centre) ? fmt::format("{:.1f} nm;", centre) : std::string();
        for (std::size_t k = 0; k < std::min<std::size_t>(3, top.size()) && top[k].first > 0; ++k)
          detail += fmt::format(" b{}={:.3f}", top[k].second + 1, top[k].first);
      }
      out << fmt::format("  {:<18} {:>8}  {:<8} {}\n", b.name,
                         std::isfinite(b.coverage) ? fmt::format("{:.1f}%", 100 * b.coverage) : "-",
                         b.kept ? "kept" : "dropped", detail);
    }
    out << fmt::format("  P: {} x {} (full matrix with --json or --p-out)\n", sr.matrix().size(),
                       sr.matrix().empty() ? 0 : sr.matrix()[0].size());
  }

  InfoOptions o_;
};

}  // namespace

std::unique_ptr<Command> makeInfoCommand() { return std::make_unique<InfoCommand>(); }

}  // namespace hsifuse
