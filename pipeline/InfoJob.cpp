#include "pipeline/InfoJob.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>

#include "geo/BandSubset.h"
#include "geo/GridRelation.h"
#include "geo/RasterDataset.h"
#include "lib/core/AtomicOutput.h"
#include "pipeline/JsonNumbers.h"

namespace hsifuse {
namespace {

using nlohmann::json;

json rasterJson(const RasterInfo& r) {
  json j;
  j["path"] = r.path;
  j["driver"] = r.driver;
  j["width"] = r.width;
  j["height"] = r.height;
  j["band_count"] = r.bandCount();
  j["crs"] = r.crsWkt.empty()
                 ? json(nullptr)
                 : json{{"name", r.crsName}, {"epsg", r.epsg ? json(*r.epsg) : json(nullptr)}, {"wkt", r.crsWkt}};
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
  // The values a reader gets are stored x scale + offset (band 1's; GDAL's convention, or an ENVI reflectance scale
  // factor).
  if (!r.bands.empty() && (r.bands[0].scale != 1.0 || r.bands[0].offset != 0.0))
    out << fmt::format("Scale:       {:g}, offset {:g} (value = stored x scale + offset)\n", r.bands[0].scale,
                       r.bands[0].offset);
  if (!r.badBandList.empty()) {
    int bad = 0;
    for (int v : r.badBandList) bad += v == 0;
    out << fmt::format("Bad bands:   {} marked in the bbl list\n", bad);
  }
}

json selectionJson(const RasterInfo& r, const BandSelection& sel) {
  json kept = json::array(), dropped = json::array();
  for (int i : sel.kept)
    kept.push_back({{"band", i + 1}, {"wavelength_nm", finiteOrNull(r.bands[i].spectral.wavelengthNm)}});
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

void printResponse(const SpectralResponse& sr, const RasterInfo& hsi, std::ostream& out) {
  out << fmt::format("\nSpectral response: {}\n", sr.source());
  out << fmt::format("  {:<18} {:>9}  {:<8} {}\n", "MSI band", "coverage", "status",
                     "P row: centre of mass, main HSI bands");
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

// The band filters applied to FILE: what is kept and why the rest was dropped.
BandSelection describeSelection(const InfoOptions& o, const RasterInfo& hsi, InfoReport& r, std::ostream& out) {
  BandSelection selection;
  for (int i = 0; i < hsi.bandCount(); ++i) selection.kept.push_back(i);
  if (o.bands.empty()) return selection;
  selection = selectRasterBands(hsi, o.bands);
  r.doc["band_selection"] = selectionJson(hsi, selection);
  out << fmt::format("Bands kept:  {} of {}: {}\n", selection.kept.size(), hsi.bandCount(),
                     bandList(hsi, selection.kept));
  for (const auto& d : selection.dropped)
    out << fmt::format("  dropped band {}{}: {}\n", d.index + 1,
                       hsi.bands[d.index].spectral.hasWavelength()
                           ? fmt::format(" ({:.1f} nm)", hsi.bands[d.index].spectral.wavelengthNm)
                           : "",
                       d.reason);
  return selection;
}

// FILE2 and how the two grids relate.
RasterInfo describePair(const InfoOptions& o, const RasterInfo& hsi, InfoReport& r, std::ostream& out) {
  RasterInfo msi = readRasterInfo(o.file2);
  r.doc["files"].push_back(rasterJson(msi));
  const GridRelation g = relateGrids(hsi, msi);
  const json overlap = g.overlapHr ? json{{"col", g.overlapHr->col},
                                          {"row", g.overlapHr->row},
                                          {"width", g.overlapHr->width},
                                          {"height", g.overlapHr->height}}
                                   : json(nullptr);
  r.doc["grid"] = {{"method", g.method},
                   {"ratio", {g.ratioX, g.ratioY}},
                   {"scale", g.scale > 0 ? json(g.scale) : json(nullptr)},
                   {"near_integer", g.scale > 0},
                   {"same_crs", g.sameCrs},
                   {"overlap_hr", overlap},
                   {"overlap_lr_pixels", {g.overlapLrCols, g.overlapLrRows}},
                   {"note", g.note}};
  out << "\n";
  printRaster(msi, out);
  out << fmt::format("\nGrids:       {}\n", g.method);
  out << fmt::format("Ratio:       {:.4f} x {:.4f} (LR pixel / HR pixel){}\n", g.ratioX, g.ratioY,
                     g.scale > 0 ? fmt::format(": integer scale {}", g.scale) : ": NOT near an integer");
  if (g.overlapHr)
    out << fmt::format("Overlap:     {} x {} HR pixels at column {}, row {} of {}; {} x {} whole LR pixels\n",
                       g.overlapHr->width, g.overlapHr->height, g.overlapHr->col, g.overlapHr->row, msi.path,
                       g.overlapLrCols, g.overlapLrRows);
  else
    out << "Overlap:     none\n";
  if (!g.note.empty()) out << "Note:        " << g.note << "\n";
  return msi;
}

// P for the kept bands, each MSI band's coverage, and --p-out.
void describeResponse(const InfoOptions& o, const RasterInfo& kept, const BandSelection& selection,
                      const std::optional<RasterInfo>& msi, InfoReport& r, std::ostream& out) {
  if (!SpectralResponse::isMatrixFile(resolveSrf(o.srf)))
    kept.requireWavelengths("--srf (building P from response curves)");
  const SpectralResponse sr = SpectralResponse::fromSpec(o.srf, kept.spectralBands(), o.minCoverage);
  r.warnings.insert(r.warnings.end(), sr.warnings().begin(), sr.warnings().end());
  json bands = json::array(), hsiBands = json::array();
  for (const auto& b : sr.msiBands())
    bands.push_back({{"name", b.name}, {"coverage", finiteOrNull(b.coverage)}, {"kept", b.kept}});
  for (int i : selection.kept) hsiBands.push_back(i + 1);
  r.doc["spectral_response"] = {{"source", sr.source()}, {"min_coverage", o.minCoverage},
                                {"msi_bands", bands},    {"hsi_bands", hsiBands},
                                {"P", sr.matrix()},      {"warnings", sr.warnings()}};
  if (msi && msi->bandCount() != static_cast<int>(sr.matrix().size()))
    r.doc["spectral_response"]["note"] = fmt::format("{} has {} band(s) but P has {} row(s): choose MSI bands to match",
                                                     msi->path, msi->bandCount(), sr.matrix().size());
  printResponse(sr, kept, out);
  if (!o.pOut.empty()) writeTextFileAtomically(o.pOut, sr.toCsv(kept.spectralBands()), o.overwrite, "--p-out");
}

}  // namespace

InfoReport describeFiles(const InfoOptions& o) {
  checkOutputs({{o.pOut, "--p-out"}},
               {{o.file, "FILE"}, {o.file2, "FILE2"}, {o.srf, "--srf"}, {o.wavelengths, "--wavelengths"}}, o.overwrite);
  const RasterInfo hsi = readRasterInfo(o.file, OpenOptions{o.wavelengths});
  InfoReport r;
  r.doc["files"] = json::array({rasterJson(hsi)});
  std::ostringstream out;
  printRaster(hsi, out);
  const BandSelection selection = describeSelection(o, hsi, r, out);
  const RasterInfo kept = hsi.selectBands(selection.kept);
  std::optional<RasterInfo> msi;
  if (!o.file2.empty()) msi = describePair(o, hsi, r, out);
  if (!o.srf.empty()) describeResponse(o, kept, selection, msi, r, out);
  r.text = out.str();
  return r;
}

}  // namespace hsifuse
