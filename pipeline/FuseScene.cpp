// Stages 5-6 of fuse (pipeline/FuseStages.h): the memory plan, and the scene read and brought to one scale.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "geo/GdalEnvironment.h"
#include "lib/core/Error.h"
#include "lib/fusion/FirstStageChoice.h"
#include "lib/spatial/Degradation.h"
#include "lib/spatial/Resampling.h"
#include "lib/spatial/ShiftEstimation.h"
#include "lib/spatial/TilePlan.h"
#include "lib/spectral/BandSelection.h"
#include "lib/spectral/Radiometry.h"
#include "lib/spectral/ResponseEstimation.h"
#include "models/Adaptation.h"
#include "pipeline/FuseStages.h"

namespace hsifuse {
namespace {

using nlohmann::json;

// The resident memory of this process now, in MB (Linux /proc; 0 where it cannot be read).
double residentMb() {
  std::ifstream statm("/proc/self/statm");
  double pages = 0, resident = 0;
  if (!(statm >> pages >> resident)) return 0;
  return resident * static_cast<double>(::sysconf(_SC_PAGESIZE)) / 1e6;
}

// What the plan needs to know of this job: sizes, the method's working sets, the networks' widths and radii.
MemoryPlanInputs memoryPlanInputs(const FuseOptions& o, FuseMethod method, const FuseInputs& in, const MsiResponse& r,
                                  const ChosenModel& chosen) {
  const std::optional<FusionModel>& model = chosen.model;
  const Window& lrWin = in.grid.lrWin;
  const int s = in.grid.scale;
  const bool dip = method == FuseMethod::Dip;
  MemoryPlanInputs mi;
  mi.ramMb = o.ramMb;
  mi.gdalCacheMb = capGdalBlockCache(std::clamp(o.ramMb / 16, 16.0, 128.0));
  mi.programMb = residentMb();
  mi.hsiBands = static_cast<int>(in.hsiSelection.kept.size());
  mi.msiBands = static_cast<int>(r.msiKeep.size());
  mi.scale = s;
  mi.lrRows = lrWin.height;
  mi.lrCols = lrWin.width;
  mi.report = !o.reportPath.empty();
  mi.quicklook = !o.quicklookPath.empty();
  mi.adapts = adaptsToScene(method);
  mi.trainsFusion = dip || o.finetune;
  mi.usesNetworks = !isClassical(method);
  mi.patchLr = o.patchLr > 0   ? o.patchLr
               : o.patchLr < 0 ? defaultPatchLr(s, mi.hsiBands)
                               : std::max(lrWin.width, lrWin.height);
  mi.adaptRadius = receptiveRadiusOfDepth(AdaptationOptions{}.depth);
  mi.fusionRadius = model ? model->receptiveRadius() : receptiveRadiusOfDepth(FusionModelInfo{}.depth);
  mi.netRadius = mi.usesNetworks ? (model ? model->receptiveRadius() : mi.adaptRadius) : 0;
  mi.netWidth = std::max(model ? model->info().width : 0, dip ? o.dipWidth : 8);
  mi.fusionWidth = mi.trainsFusion ? std::max(model ? model->info().width : 0, dip ? o.dipWidth : 0) : 0;
  mi.tile = o.tile;
  const double hrPixels = double(lrWin.width) * lrWin.height * s * s;
  mi.kernelStartValues = mi.hsiBands * std::min(hrPixels, double(kKernelStartSideHr) * kKernelStartSideHr);
  mi.choiceValues = choiceWorkingValues(lrWin.height, lrWin.width, mi.hsiBands, mi.msiBands, s);
  return mi;
}

// The overlap read: LR rows and columns a reprojection left empty (NaN) trimmed, with the MSI to match.
void readOverlap(FuseInputs& in, const MsiResponse& r, FuseScene& scene, json& report) {
  const int s = in.grid.scale;
  scene.hrWin = in.grid.hrWin;
  scene.y = in.lr.readWindow(in.grid.lrWin, in.hsiSelection.kept);
  scene.x = in.msi.readWindow(scene.hrWin, r.msiKeep);
  if (in.warpedVrt.path().empty()) return;
  // A reprojected footprint is not a rectangle.
  const Window inner = nanFreeInterior(scene.y);
  if (inner.width < 2 || inner.height < 2)
    throw InputError("after co-registration the overlap holds fewer than 2 x 2 whole LR pixels");
  if (inner == Window{0, 0, scene.y.cols, scene.y.rows}) return;
  scene.y = scene.y.crop(inner);
  scene.x = scene.x.crop({inner.col * s, inner.row * s, inner.width * s, inner.height * s});
  const Window& h = scene.hrWin;
  scene.hrWin = {h.col + inner.col * s, h.row + inner.row * s, inner.width * s, inner.height * s};
  report["hr_window"] = {scene.hrWin.col, scene.hrWin.row, scene.hrWin.width, scene.hrWin.height};
}

// A band with no valid value would make every pixel invalid: name those bands in the file's numbering (`fileBands`
// maps the cube's bands to it) and the option that leaves them out (--drop-bands, or --msi-bands with the others).
void refuseEmptyBands(const std::string& path, const std::vector<int>& empty, const std::vector<int>& fileBands,
                      bool keepList, const std::string& option) {
  if (empty.empty()) return;
  if (empty.size() == fileBands.size()) throw InputError(path + ": no valid pixel in the overlap (all nodata or NaN)");
  std::vector<int> listed, others;
  for (std::size_t k = 0; k < fileBands.size(); ++k)
    (std::find(empty.begin(), empty.end(), static_cast<int>(k)) != empty.end() ? listed : others)
        .push_back(fileBands[k] + 1);
  throw InputError(
      fmt::format("{}: band(s) {} hold no valid value in the overlap (all nodata or NaN); leave them out "
                  "with {} {}",
                  path, formatIndexRanges(listed), option, formatIndexRanges(keepList ? others : listed)));
}

// Nodata and NaN: invalid values are replaced by their band's mean over the valid pixels (so GSA and the networks
// see plausible numbers), left out of the adaptation's losses, and written as nodata.
// Warnings go to `log`, which holds them until every input check has passed.
void maskInvalid(const FuseOptions& o, const FuseInputs& in, const MsiResponse& r, FuseScene& scene, json& report,
                 FuseLog& log) {
  Cube& y = scene.y;
  Cube& x = scene.x;
  auto nodataOf = [](const RasterInfo& info, const std::optional<double>& given) {
    std::vector<std::optional<double>> values = info.nodataValues();
    if (given) values.assign(values.size(), given);
    return values;
  };
  const auto lrNodata = nodataOf(in.lr.info().selectBands(in.hsiSelection.kept), o.lrNodata);
  const auto msiNodata = nodataOf(in.msi.info().selectBands(r.msiKeep), o.msiNodata);
  // Fill without a declared nodata (a zero corner outside a flight line) would be fused as data: say so.
  auto warnOfFill = [&](const Cube& c, const std::vector<std::optional<double>>& nodata, const char* which,
                        const char* option) {
    if (std::any_of(nodata.begin(), nodata.end(), [](const auto& v) { return v.has_value(); })) return;
    const double share = double(countPixelsEqualTo(c, 0.0f)) / std::max<std::size_t>(c.planeSize(), 1);
    if (share >= kFillShareForWarning)
      log.say(fmt::format(
          "Warning: {:.1f} % of the {} pixels are exactly 0 in every band and the file declares no nodata; they are "
          "fused as data. If that is fill outside the footprint, add {} 0",
          100 * share, which, option));
  };
  warnOfFill(y, lrNodata, "LR HSI", "--lr-nodata");
  warnOfFill(x, msiNodata, "MSI", "--msi-nodata");
  refuseEmptyBands(o.lrPath, emptyBands(y, lrNodata), in.hsiSelection.kept, false, "--drop-bands");
  refuseEmptyBands(o.msiPath, emptyBands(x, msiNodata), r.msiKeep, true, "--msi-bands");
  scene.lrValid = validPixels(y, lrNodata);
  const PixelMask msiValid = validPixels(x, msiNodata);
  if (fillInvalidWithBandMeans(y, scene.lrValid) == 0)
    throw InputError(o.lrPath + ": no valid pixel in the overlap (all nodata or NaN)");
  if (fillInvalidWithBandMeans(x, msiValid) == 0)
    throw InputError(o.msiPath + ": no valid pixel in the overlap (all nodata or NaN)");
  scene.hrValid = withLrMask(msiValid, x.cols, scene.lrValid, y.cols, scene.scale);
  const auto invalid = [](const PixelMask& m) { return static_cast<std::size_t>(std::count(m.begin(), m.end(), 0)); };
  const std::size_t lrInvalid = invalid(scene.lrValid), hrInvalid = invalid(scene.hrValid);
  if (lrInvalid == 0) scene.lrValid.clear();
  if (hrInvalid == 0) scene.hrValid.clear();
  report["nodata"] = {{"lr_invalid_pixels", lrInvalid}, {"hr_invalid_pixels", hrInvalid}};
}

// Residual misregistration (phase correlation of the MSI and P Y upsampled); --fix-shift moves the HSI.
// `known`: the shift a saved adaptation recorded (apply), used as it is instead of being estimated again.
void checkShift(const FuseOptions& o, FuseScene& scene, json& report, FuseLog& log,
                const std::optional<HrShift>& known) {
  const int s = scene.scale;
  if (scene.y.rows * s < 16 || scene.y.cols * s < 16) return;
  if (known) {
    scene.shift = known;
    if (o.fixShift) scene.y = shifted(scene.y, known->first / s, known->second / s);
    return;
  }
  const ShiftEstimate d = estimateShift(scene.x, scene.y, scene.p, s);
  scene.shift = HrShift{d.dx, d.dy};
  report["shift"] = {{"dx_hr_pixels", d.dx}, {"dy_hr_pixels", d.dy}, {"peak", d.peak}, {"corrected", o.fixShift}};
  log.say(fmt::format("shift: the MSI is the HSI moved by ({:.2f}, {:.2f}) HR pixels (peak {:.2f}){}", d.dx, d.dy,
                      d.peak, o.fixShift ? "; corrected" : ""));
  if (o.fixShift)
    scene.y = shifted(scene.y, d.dx / s, d.dy / s);
  else if (std::hypot(d.dx, d.dy) > 0.5)
    log.say("Warning: the inputs are misregistered by more than half an HR pixel; --fix-shift corrects it");
}

}  // namespace

MemoryPlan planFuseMemory(const FuseOptions& o, FuseMethod method, const FuseInputs& in, const MsiResponse& r,
                          const ChosenModel& chosen, json& report, FuseLog& log) {
  const MemoryPlanInputs mi = memoryPlanInputs(o, method, in, r, chosen);
  const MemoryPlan memory = planMemory(mi);
  if (memory.budgetLimited && o.reproducible())
    throw InputError(fmt::format(
        "--ram {:.0f} allows network tiles of {} HR pixels, under the {} that --seed's bit-identical output needs; "
        "raise --ram to {:.0f} or leave out --seed",
        o.ramMb, memory.tile, memory.canonicalTile, memory.ramForCanonicalTileMb));
  if (memory.budgetLimited) {
    report["tiles"]["budget_limited"] = true;
    log.say(
        fmt::format("Warning: --ram {:.0f} allows tiles of {} HR pixels, under the usual {}: the output may differ "
                    "in float rounding from runs with a larger --ram",
                    o.ramMb, memory.tile, memory.canonicalTile));
  }
  const Window& hrWin = in.grid.hrWin;
  const TilePlan plan(hrWin.height, hrWin.width, std::max(memory.tile, mi.scale), mi.netRadius, mi.scale);
  report["tiles"].update({{"tile", memory.tile},
                          {"halo", mi.netRadius},
                          {"count", plan.tiles().size()},
                          {"held_mb", memory.heldMb},
                          {"program_mb", mi.programMb},
                          {"gdal_cache_mb", mi.gdalCacheMb},
                          {"ram_mb", o.ramMb}});
  if (memory.stageMb > 0)
    report["tiles"]["first_stage"] = {{"mb", memory.stageMb}, {"held", memory.stageInMemory ? "memory" : "file"}};
  log.say(fmt::format("tiles: {} of up to {} x {} HR pixels (halo {})", plan.tiles().size(), memory.tile, memory.tile,
                      mi.netRadius));
  return memory;
}

FuseScene readScene(const FuseOptions& o, FuseInputs& in, MsiResponse& r, json& report, FuseLog& log,
                    const std::optional<HrShift>& knownShift) {
  FuseScene scene;
  scene.scale = in.grid.scale;
  readOverlap(in, r, scene, report);
  maskInvalid(o, in, r, scene, report, log);
  scene.peak = scene.y.peak();
  if (!(scene.peak > 0)) throw InputError(o.lrPath + ": the HSI window holds no signal");
  // Every input check has passed: the messages held back so far can go out.
  log.release();
  scene.y.scale(1.0f / scene.peak);
  if (r.estimate) {
    // The MSI blurred like an HSI (MTF-matched Gaussian) and decimated, so the fit compares like with like.
    const ResponseFit fit = estimateResponse(scene.y, blurDownsample(scene.x, mtfGaussian(scene.scale), scene.scale));
    r.p = SpectralResponse::fromRows("estimated from the scene", r.msiNames, fit.p);
    report["srf_estimate"] = {{"relative_residual", fit.relativeResidual}};
    log.say(fmt::format("srf: P estimated from the scene; relative residual per MSI band {:.3f}",
                        fmt::join(fit.relativeResidual, " ")));
  }
  scene.p = r.p.matrix();
  report["P"] = scene.p;
  scene.gains = matchMsiToHsi(scene.x, scene.y, scene.p, scene.scale);
  report["radiometry"] = {{"hsi_divided_by", scene.peak}, {"msi_gains", scene.gains}};
  checkShift(o, scene, report, log, knownShift);
  return scene;
}

}  // namespace hsifuse
