#include "pipeline/GridPairing.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <optional>

#include "geo/Coregistration.h"
#include "geo/GridRelation.h"
#include "lib/core/Error.h"
#include "pipeline/FusionJob.h"

namespace fs = std::filesystem;

namespace hsifuse {
namespace {

using nlohmann::json;

// Where the LR grid sits on the HR grid: the HR pixel of the LR origin, which must be whole.
std::pair<int, int> lrOriginOnHr(const RasterInfo& lr, const RasterInfo& hr) {
  if (!lr.geotransform || !hr.geotransform) return {0, 0};
  const std::optional<GridOffset> o = originOnGrid(lr, hr);
  if (!o)
    throw InputError("rotated geotransforms are not supported yet: warp both inputs north-up with gdalwarp first");
  if (!o->whole)
    throw InputError(
        fmt::format("the LR grid is not aligned with whole HR pixels (its origin falls at HR pixel "
                    "{:.3f}, {:.3f}): resample with gdalwarp -tap first",
                    o->col, o->row));
  return {o->wholeCol, o->wholeRow};
}

int floorDiv(int a, int b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}
int ceilDiv(int a, int b) {
  return -floorDiv(-a, b);
}

}  // namespace

std::optional<Window> areaOfInterest(const FuseOptions& o, const RasterInfo& msi) {
  if (!o.srcWindow.empty() && !o.projWindow.empty()) throw InputError("--srcwin and --projwin: give one of them");
  const std::vector<double>& v = o.srcWindow.empty() ? o.projWindow : o.srcWindow;
  if (v.empty()) return std::nullopt;
  const std::string option = o.srcWindow.empty() ? "--projwin" : "--srcwin";
  if (v.size() != 4)
    throw InputError(fmt::format("{}: takes 4 numbers ({})", option,
                                 o.srcWindow.empty() ? "ULX ULY LRX LRY in the MSI's CRS" : "XOFF YOFF XSIZE YSIZE"));
  double c0 = v[0], r0 = v[1], c1 = v[0] + v[2], r1 = v[1] + v[3];
  if (!o.projWindow.empty()) {
    if (!msi.geotransform || (*msi.geotransform)[2] != 0 || (*msi.geotransform)[4] != 0)
      throw InputError(fmt::format("--projwin: {} has no north-up georeferencing; use --srcwin", o.msiPath));
    const auto& g = *msi.geotransform;
    c0 = (v[0] - g[0]) / g[1], c1 = (v[2] - g[0]) / g[1];
    r0 = (v[1] - g[3]) / g[5], r1 = (v[3] - g[3]) / g[5];
  }
  // As gdal_translate: to the nearest pixel corners.
  const Window w{static_cast<int>(std::lround(std::min(c0, c1))), static_cast<int>(std::lround(std::min(r0, r1))),
                 static_cast<int>(std::lround(std::fabs(c1 - c0))), static_cast<int>(std::lround(std::fabs(r1 - r0)))};
  if (w.width < 1 || w.height < 1) throw InputError(option + ": the area is empty");
  return w;
}

void restrictToArea(GridPairing& pairing, const Window& area) {
  const int s = pairing.scale;
  Window& lr = pairing.lrWin;
  const Window& hr = pairing.hrWin;
  const int oc = hr.col - lr.col * s, orr = hr.row - lr.row * s;  // the HR pixel of LR pixel (0, 0)
  const int c0 = std::max(lr.col, ceilDiv(area.col - oc, s)), r0 = std::max(lr.row, ceilDiv(area.row - orr, s));
  const int c1 = std::min(lr.col + lr.width, floorDiv(area.col + area.width - oc, s));
  const int r1 = std::min(lr.row + lr.height, floorDiv(area.row + area.height - orr, s));
  if (c1 - c0 < 2 || r1 - r0 < 2)
    throw InputError(
        fmt::format("the area of interest ({} x {} MSI pixels at column {}, row {}) holds fewer than 2 x 2 "
                    "whole LR pixels of the overlap",
                    area.width, area.height, area.col, area.row));
  lr = {c0, r0, c1 - c0, r1 - r0};
  pairing.hrWin = {oc + c0 * s, orr + r0 * s, lr.width * s, lr.height * s};
  pairing.grids["area_of_interest"] = {area.col, area.row, area.width, area.height};
}

GridPairing pairGrids(const FuseOptions& o, RasterDataset& lrDs, const RasterInfo& msiInfo, TemporaryFile& warped,
                      long long stamp) {
  const RasterInfo& lrInfo = lrDs.info();
  int s = o.scale;
  json grids;
  std::string note;
  int lrCol0 = 0, lrRow0 = 0, lrCols = 0, lrRows = 0, hrCol0 = 0, hrRow0 = 0;
  if (o.assumeAligned || (lrInfo.crsWkt.empty() && msiInfo.crsWkt.empty())) {
    if (!lrInfo.crsWkt.empty() || !msiInfo.crsWkt.empty())
      throw InputError("--assume-aligned: both inputs must be plain pixel grids without a CRS");
    if (lrInfo.width > msiInfo.width && lrInfo.height > msiInfo.height)
      throw InputError(
          fmt::format("{} ({}x{}) is larger than {} ({}x{}): the arguments look swapped; the order is LR_HSI "
                      "HR_MSI OUTPUT",
                      o.lrPath, lrInfo.width, lrInfo.height, o.msiPath, msiInfo.width, msiInfo.height));
    if (s == 0) {
      GridRelation g = relateGrids(lrInfo, msiInfo);
      if (g.scale == 0) throw InputError("the size ratio of the inputs is not an integer: give --scale");
      s = g.scale;
    }
    lrCols = std::min(lrInfo.width, msiInfo.width / s);
    lrRows = std::min(lrInfo.height, msiInfo.height / s);
    grids = {{"method", "assume-aligned pixel grids"}};
  } else {
    GridRelation g = relateGrids(lrInfo, msiInfo);
    // In one CRS the pixel sizes compare directly (across CRSs --scale sets the grid the LR HSI is warped to).
    const bool comparable = g.sameCrs && g.ratioX > 0 && g.ratioY > 0;
    if (comparable && (g.ratioX < 1 || g.ratioY < 1))
      throw InputError(
          fmt::format("{} has finer pixels than {} (ratio {:.4g}): the arguments look swapped; the order "
                      "is LR_HSI HR_MSI OUTPUT",
                      o.lrPath, o.msiPath, std::min(g.ratioX, g.ratioY)));
    // A forced ratio that the georeferencing contradicts would fuse mismatched grids without a word.
    if (s > 0 && comparable && std::max(std::fabs(g.ratioX - s), std::fabs(g.ratioY - s)) > kIntegerRatioTolerance * s)
      throw InputError(
          fmt::format("--scale {}: the grids say the LR pixel is {:.4g} x {:.4g} MSI pixels; drop --scale, or "
                      "use --assume-aligned for plain pixel grids",
                      s, g.ratioX, g.ratioY));
    if (s == 0) {
      if (g.scale == 0)
        throw InputError(g.note.empty() ? "the resolution ratio is not an integer" : g.note + " (or give --scale)");
      s = g.scale;
    }
    if (!g.overlapHr) throw InputError(fmt::format("{} and {} do not overlap", o.lrPath, o.msiPath));
    grids = {{"method", g.method}, {"ratio", {g.ratioX, g.ratioY}}};
    if (!gridsAligned(lrInfo, msiInfo)) {
      // Different CRSs, or an LR grid off the HR pixel corners: warp the LR HSI onto an aligned grid.
      warped = TemporaryFile((fs::temp_directory_path() / fmt::format("hsifuse-{}-{}-lr.{}", ::getpid(), stamp,
                                                                      isStreamedName(o.lrPath) ? "tif" : "vrt"))
                                 .string());
      const WarpedLr w = warpOntoHrGrid(lrInfo, msiInfo, s, warped.path(), o.resampling);
      lrDs = RasterDataset::open(w.path, OpenOptions{o.wavelengths});
      lrCol0 = lrRow0 = 0;
      lrCols = w.hrWindow.width / s;
      lrRows = w.hrWindow.height / s;
      hrCol0 = w.hrWindow.col;
      hrRow0 = w.hrWindow.row;
      grids["coregistration"] = {{"warped", true}, {"resampling", o.resampling}, {"crs", msiInfo.crsName}};
      note = fmt::format("co-registration: LR HSI warped onto the MSI grid ({}, {} resampling)", msiInfo.crsName,
                         o.resampling);
    } else {
      auto [oc, orr] = lrOriginOnHr(lrInfo, msiInfo);
      // Whole LR pixels inside the HR overlap.
      const int firstCol = ceilDiv(g.overlapHr->col - oc, s), firstRow = ceilDiv(g.overlapHr->row - orr, s);
      const int lastCol = floorDiv(g.overlapHr->col + g.overlapHr->width - oc, s);
      const int lastRow = floorDiv(g.overlapHr->row + g.overlapHr->height - orr, s);
      lrCol0 = std::max(0, firstCol);
      lrRow0 = std::max(0, firstRow);
      lrCols = std::min(lastCol, lrInfo.width) - lrCol0;
      lrRows = std::min(lastRow, lrInfo.height) - lrRow0;
      hrCol0 = oc + lrCol0 * s;
      hrRow0 = orr + lrRow0 * s;
    }
  }
  if (lrCols < 2 || lrRows < 2) throw InputError("the overlap holds fewer than 2 x 2 whole LR pixels");
  GridPairing out{s, Window{lrCol0, lrRow0, lrCols, lrRows}, Window{hrCol0, hrRow0, lrCols * s, lrRows * s}, grids,
                  note};
  if (const std::optional<Window> area = areaOfInterest(o, msiInfo)) restrictToArea(out, *area);
  return out;
}

}  // namespace hsifuse
