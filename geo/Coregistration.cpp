#include "geo/Coregistration.h"

#include <fmt/format.h>
#include <gdal_priv.h>
#include <gdal_utils.h>
#include <ogr_spatialref.h>

#include <cmath>
#include <memory>
#include <vector>

#include "geo/GdalEnvironment.h"
#include "geo/GridRelation.h"
#include "lib/core/Error.h"

namespace hsifuse {

bool gridsAligned(const RasterInfo& lr, const RasterInfo& hr) {
  if (!lr.geotransform || !hr.geotransform) return true;  // plain grids pair by their corner
  if (!relateGrids(lr, hr).sameCrs) return false;
  const std::optional<GridOffset> o = originOnGrid(lr, hr);
  return o && o->whole;
}

WarpedLr warpOntoHrGrid(const RasterInfo& lr, const RasterInfo& hr, int s, const std::string& vrtPath,
                        const std::string& resampling) {
  initGdal();
  if (!hr.geotransform || hr.crsWkt.empty())
    throw InputError(hr.path + ": co-registration needs a georeferenced MSI (CRS and geotransform)");
  const auto& g = *hr.geotransform;
  if (g[2] != 0 || g[4] != 0)
    throw InputError(hr.path + ": a rotated MSI grid is not supported: warp it north-up first");
  const GridRelation rel = relateGrids(lr, hr);
  if (!rel.overlapHr) throw InputError(fmt::format("{} and {} do not overlap", lr.path, hr.path));
  // The overlap on the HR grid, one LR pixel in from each side, in whole LR pixels.
  const Window o = *rel.overlapHr;
  const int cols = (o.width - 2 * s) / s, rows = (o.height - 2 * s) / s;
  if (cols < 2 || rows < 2)
    throw InputError(
        fmt::format("{} and {} overlap by less than 2 x 2 LR pixels of {} MSI pixels", lr.path, hr.path, s));
  WarpedLr out;
  out.scale = s;
  out.resampling = resampling;
  out.hrWindow = {o.col + s, o.row + s, cols * s, rows * s};
  out.path = vrtPath;
  const double xmin = g[0] + out.hrWindow.col * g[1], xmax = xmin + out.hrWindow.width * g[1];
  const double ymax = g[3] + out.hrWindow.row * g[5], ymin = ymax + out.hrWindow.height * g[5];

  GDALDatasetH src = GDALOpen(lr.path.c_str(), GA_ReadOnly);
  if (!src) throw InputError(lr.path + ": cannot open for warping (" + takeGdalError() + ")");
  // A VRT opens its source again by name, which a stream (/vsistdin/) cannot give twice: from a stream the warped
  // grid is written out as a GeoTIFF instead.
  std::vector<std::string> args{"-of",
                                isStreamedName(lr.path) ? "GTiff" : "VRT",
                                "-t_srs",
                                hr.crsWkt,
                                "-te",
                                fmt::format("{:.10g}", xmin),
                                fmt::format("{:.10g}", ymin),
                                fmt::format("{:.10g}", xmax),
                                fmt::format("{:.10g}", ymax),
                                "-ts",
                                std::to_string(cols),
                                std::to_string(rows),
                                "-r",
                                resampling,
                                "-ot",
                                "Float32",
                                "-dstnodata",
                                "nan",
                                "-overwrite"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  GDALWarpAppOptions* options = GDALWarpAppOptionsNew(argv.data(), nullptr);
  if (!options) {
    GDALClose(src);
    throw InputError("--resampling: '" + resampling + "' is not a GDAL resampling method (" + takeGdalError() + ")");
  }
  int usageError = 0;
  GDALDatasetH dst = GDALWarp(vrtPath.c_str(), nullptr, 1, &src, options, &usageError);
  GDALWarpAppOptionsFree(options);
  const std::string err = takeGdalError();
  if (dst) GDALClose(dst);
  GDALClose(src);
  if (!dst || usageError) throw Error(fmt::format("warping {} onto the grid of {} failed: {}", lr.path, hr.path, err));
  return out;
}

bool isStreamedName(const std::string& path) {
  return path.rfind("/vsistdin", 0) == 0;
}

}  // namespace hsifuse
