#include "geo/GridRelation.h"

#include <fmt/format.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "geo/GdalEnvironment.h"
#include "geo/HyperionProduct.h"
#include "lib/core/Error.h"

namespace hsifuse {
namespace {

struct Extent {
  double xmin, ymin, xmax, ymax;
};

Extent footprint(const RasterInfo& r) {
  const auto& g = *r.geotransform;
  double xs[4], ys[4];
  const double px[4] = {0, double(r.width), 0, double(r.width)}, py[4] = {0, 0, double(r.height), double(r.height)};
  for (int i = 0; i < 4; ++i) {
    xs[i] = g[0] + px[i] * g[1] + py[i] * g[2];
    ys[i] = g[3] + px[i] * g[4] + py[i] * g[5];
  }
  return {*std::min_element(xs, xs + 4), *std::min_element(ys, ys + 4), *std::max_element(xs, xs + 4),
          *std::max_element(ys, ys + 4)};
}

// The LR footprint in the HR CRS, densified along its edges (a projected square is not square).
Extent reprojectedFootprint(const RasterInfo& lr, const RasterInfo& hr) {
  OGRSpatialReference src, dst;
  src.importFromWkt(lr.crsWkt.c_str());
  dst.importFromWkt(hr.crsWkt.c_str());
  src.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  dst.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&src, &dst));
  if (!ct)
    throw InputError(lr.path + ": its CRS cannot be transformed to the CRS of " + hr.path + " (" + takeGdalError() +
                     ")");
  Extent e = footprint(lr);
  const int n = 21;
  Extent out{INFINITY, INFINITY, -INFINITY, -INFINITY};
  for (int i = 0; i < n; ++i) {
    const double t = double(i) / (n - 1);
    double xs[4] = {e.xmin + t * (e.xmax - e.xmin), e.xmin + t * (e.xmax - e.xmin), e.xmin, e.xmax};
    double ys[4] = {e.ymin, e.ymax, e.ymin + t * (e.ymax - e.ymin), e.ymin + t * (e.ymax - e.ymin)};
    int ok[4] = {0, 0, 0, 0};
    ct->Transform(4, xs, ys, nullptr, ok);
    for (int k = 0; k < 4; ++k)
      if (ok[k])
        out = {std::min(out.xmin, xs[k]), std::min(out.ymin, ys[k]), std::max(out.xmax, xs[k]),
               std::max(out.ymax, ys[k])};
  }
  if (!std::isfinite(out.xmin))
    throw InputError(lr.path + ": its footprint cannot be transformed to the CRS of " + hr.path);
  return out;
}

bool nearInteger(double r) {
  const double n = std::round(r);
  return n >= 1 && std::fabs(r - n) <= kIntegerRatioTolerance * n;
}

// The integer scale both ratios round to, or 0 when they are not near the same integer.
int integerScale(double rx, double ry) {
  return nearInteger(rx) && nearInteger(ry) && std::round(rx) == std::round(ry) ? int(std::round(rx)) : 0;
}

}  // namespace

GridRelation relateGrids(const RasterInfo& lr, const RasterInfo& hr) {
  initGdal();
  GridRelation g;
  const bool lrCrs = !lr.crsWkt.empty(), hrCrs = !hr.crsWkt.empty();
  if (lrCrs != hrCrs) {
    // A raw product (a Hyperion L1R) is not on any map grid: a CRS alone would not place it.
    const RasterInfo& bare = lrCrs ? hr : lr;
    if (metadataItem(bare.metadata, kHyperionLevelItem) == std::optional<std::string>("L1R"))
      throw InputError(
          fmt::format("{} is a Hyperion L1R, not geocorrected: use the L1T product of the scene, or "
                      "georeference it first (gdalwarp with ground control points)",
                      bare.path));
    throw InputError(fmt::format("{} has a CRS but {} has none: give both a CRS (gdal_edit.py -a_srs) or neither",
                                 lrCrs ? lr.path : hr.path, lrCrs ? hr.path : lr.path));
  }
  if (!lrCrs || !lr.geotransform || !hr.geotransform) {
    // Plain pixel grids: both cover the same ground, so the ratio is the ratio of sizes.
    g.method = "pixel grids (no CRS)";
    g.ratioX = double(hr.width) / lr.width;
    g.ratioY = double(hr.height) / lr.height;
    g.sameCrs = true;
    g.scale = integerScale(g.ratioX, g.ratioY);
    if (g.scale > 0) {
      g.overlapLrCols = std::min(lr.width, hr.width / g.scale);
      g.overlapLrRows = std::min(lr.height, hr.height / g.scale);
      g.overlapHr = Window{0, 0, g.overlapLrCols * g.scale, g.overlapLrRows * g.scale};
    } else {
      g.note =
          "the size ratio is not the same integer along both axes: if the grids are aligned in a corner, "
          "give the scale with --scale";
    }
    return g;
  }

  OGRSpatialReference a, b;
  a.importFromWkt(lr.crsWkt.c_str());
  b.importFromWkt(hr.crsWkt.c_str());
  g.sameCrs = a.IsSame(&b);
  const auto [hrX, hrY] = hr.pixelSize();
  Extent lrExt;
  if (g.sameCrs) {
    const auto [lrX, lrY] = lr.pixelSize();
    g.ratioX = lrX / hrX;
    g.ratioY = lrY / hrY;
    lrExt = footprint(lr);
    g.method = "georeferenced";
  } else {
    lrExt = reprojectedFootprint(lr, hr);
    // The LR pixel size in HR CRS units, from the reprojected footprint.
    g.ratioX = (lrExt.xmax - lrExt.xmin) / lr.width / hrX;
    g.ratioY = (lrExt.ymax - lrExt.ymin) / lr.height / hrY;
    g.method = "georeferenced (LR footprint reprojected to the HR CRS)";
  }
  g.scale = integerScale(g.ratioX, g.ratioY);
  if (g.scale == 0)
    g.note = fmt::format("the resolution ratio ({:.4f} x {:.4f}) is not within {:.0f}% of one integer", g.ratioX,
                         g.ratioY, 100 * kIntegerRatioTolerance);

  const Extent hrExt = footprint(hr);
  const Extent o{std::max(lrExt.xmin, hrExt.xmin), std::max(lrExt.ymin, hrExt.ymin), std::min(lrExt.xmax, hrExt.xmax),
                 std::min(lrExt.ymax, hrExt.ymax)};
  if (o.xmax <= o.xmin || o.ymax <= o.ymin) {
    g.note = "the two footprints do not overlap";
    return g;
  }
  // The overlap on the HR pixel grid (north-up HR grid assumed for the window).
  const auto& gt = *hr.geotransform;
  int c0 = int(std::ceil((o.xmin - gt[0]) / gt[1] - 1e-6)), c1 = int(std::floor((o.xmax - gt[0]) / gt[1] + 1e-6));
  int r0 = int(std::ceil((o.ymax - gt[3]) / gt[5] - 1e-6)), r1 = int(std::floor((o.ymin - gt[3]) / gt[5] + 1e-6));
  c0 = std::max(c0, 0);
  r0 = std::max(r0, 0);
  c1 = std::min(c1, hr.width);
  r1 = std::min(r1, hr.height);
  if (c1 > c0 && r1 > r0) g.overlapHr = Window{c0, r0, c1 - c0, r1 - r0};
  if (g.scale > 0 && g.overlapHr) {
    g.overlapLrCols = g.overlapHr->width / g.scale;
    g.overlapLrRows = g.overlapHr->height / g.scale;
  }
  return g;
}

std::optional<GridOffset> originOnGrid(const RasterInfo& raster, const RasterInfo& grid) {
  if (!raster.geotransform || !grid.geotransform) return std::nullopt;
  const auto& g = *grid.geotransform;
  const auto& r = *raster.geotransform;
  if (g[2] != 0 || g[4] != 0 || r[2] != 0 || r[4] != 0) return std::nullopt;
  GridOffset o;
  o.col = (r[0] - g[0]) / g[1];
  o.row = (r[3] - g[3]) / g[5];
  o.whole = std::fabs(o.col - std::round(o.col)) <= 0.01 && std::fabs(o.row - std::round(o.row)) <= 0.01;
  o.wholeCol = static_cast<int>(std::lround(o.col));
  o.wholeRow = static_cast<int>(std::lround(o.row));
  return o;
}

}  // namespace hsifuse
