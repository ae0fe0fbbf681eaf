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
#include "pipeline/SceneWindows.h"

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

// The size of the part of a rows x cols LR scene held and fitted on: all of it up to `area` pixels (0: no limit), else
// a window of that area, as wide as the scene's short side allows (a strip keeps its whole width); returned central
// (readScene moves it to where the data is: mostValidWindow).
Window fitWindow(int rows, int cols, long long area) {
  if (area <= 0 || static_cast<long long>(rows) * cols <= area) return {0, 0, cols, rows};
  const int side = std::max(1, static_cast<int>(std::sqrt(double(area))));
  int h = std::min(rows, side), w = std::min(cols, side);
  if (rows < side) w = std::min<long long>(cols, area / rows);
  if (cols < side) h = std::min<long long>(rows, area / cols);
  return {(cols - w) / 2, (rows - h) / 2, w, h};
}

// Where a window of h x w LR pixels holds the most valid pixels of `lrValid` (rows x cols; empty: all valid), on a
// grid of positions an eighth of the window apart; among equals, the one nearest the centre. A coastline's sea, a
// rotated strip's fill or a cloud bank then does not take the place of the data the fits need.
Window mostValidWindow(const PixelMask& lrValid, int rows, int cols, int h, int w) {
  const Window central{(cols - w) / 2, (rows - h) / 2, w, h};
  if (lrValid.empty()) return central;
  const ValidArea area(lrValid, rows, cols);
  auto positions = [](int extent, int size, int centre) {
    std::vector<int> out{centre, extent - size};
    for (int p = 0; p < extent - size; p += std::max(1, size / 8)) out.push_back(p);
    return out;
  };
  Window best = central;
  std::size_t bestCount = area.count(central);
  long long bestDistance = 0;
  for (int r : positions(rows, h, central.row))
    for (int c : positions(cols, w, central.col)) {
      const Window win{c, r, w, h};
      const std::size_t n = area.count(win);
      const long long d =
          (long long)(r - central.row) * (r - central.row) + (long long)(c - central.col) * (c - central.col);
      if (n > bestCount || (n == bestCount && d < bestDistance)) best = win, bestCount = n, bestDistance = d;
    }
  return best;
}

// The part held for this job: none of a warped LR HSI (its NaN border is trimmed on the whole) or of a fusion module
// trained in the loop (it needs the whole MSI).
Window fitWindowOf(const FuseOptions& o, const FuseInputs& in) {
  const bool warped = !in.warpedVrt.path().empty(), trainsFusion = o.method == "dip" || o.finetune;
  return fitWindow(in.grid.lrWin.height, in.grid.lrWin.width, warped || trainsFusion ? 0 : o.fitAreaLr);
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
  const Window fit = fitWindowOf(o, in);
  mi.fitLrRows = fit.height;
  mi.fitLrCols = fit.width;
  if (!(fit == Window{0, 0, lrWin.width, lrWin.height})) mi.readBuffersMb = 2 * kSceneStripBytes / 1e6;
  mi.report = !o.reportPath.empty();
  mi.quicklook = !o.quicklookPath.empty();
  mi.adapts = adaptsToScene(method);
  mi.trainsFusion = dip || o.finetune;
  mi.usesNetworks = !isClassical(method);
  mi.patchLr = o.patchLr > 0   ? o.patchLr
               : o.patchLr < 0 ? defaultPatchLr(s, mi.hsiBands)
                               : std::max(fit.width, fit.height);
  mi.adaptRadius = receptiveRadiusOfDepth(AdaptationOptions{}.depth);
  mi.fusionRadius = model ? model->receptiveRadius() : receptiveRadiusOfDepth(FusionModelInfo{}.depth);
  mi.netRadius = mi.usesNetworks ? (model ? model->receptiveRadius() : mi.adaptRadius) : 0;
  mi.netWidth = std::max(model ? model->info().width : 0, dip ? o.dipWidth : 8);
  mi.fusionWidth = mi.trainsFusion ? std::max(model ? model->info().width : 0, dip ? o.dipWidth : 0) : 0;
  mi.tile = o.tile;
  const double fitHrPixels = double(fit.width) * fit.height * s * s;
  mi.kernelStartValues = mi.hsiBands * std::min(fitHrPixels, double(kKernelStartSideHr) * kKernelStartSideHr);
  mi.choiceValues = choiceWorkingValues(fit.height, fit.width, mi.hsiBands, mi.msiBands, s);
  return mi;
}

// The overlap read: all of it, or the part `part` (fitWindowOf; never for a warped LR HSI, whose NaN border is trimmed
// on the whole, nor for a fusion module trained in the loop, which needs the whole MSI). LR rows and columns a
// reprojection left empty (NaN) are trimmed, with the MSI to match.
void readOverlap(FuseInputs& in, const MsiResponse& r, const Window& part, FuseScene& scene, SceneFit& fit,
                 json& report) {
  const int s = in.grid.scale;
  scene.hrWin = in.grid.hrWin;
  const Window& lrWin = in.grid.lrWin;
  const bool warped = !in.warpedVrt.path().empty();
  fit.lr = part;
  fit.y = in.lr.readWindow(offsetBy(fit.lr, lrWin), in.hsiSelection.kept);
  fit.x = in.msi.readWindow(offsetBy(scaledBy(fit.lr, s), scene.hrWin), r.msiKeep);
  if (!warped) return;
  // A reprojected footprint is not a rectangle.
  const Window inner = nanFreeInterior(fit.y);
  if (inner.width < 2 || inner.height < 2)
    throw InputError("after co-registration the overlap holds fewer than 2 x 2 whole LR pixels");
  if (inner == Window{0, 0, fit.y.cols, fit.y.rows}) return;
  fit.y = fit.y.crop(inner);
  fit.x = fit.x.crop(scaledBy(inner, s));
  fit.lr = {0, 0, inner.width, inner.height};
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

// Nodata and NaN: invalid values are replaced by their band's mean over the valid pixels of the held part (so GSA
// and the networks see plausible numbers), left out of the adaptation's losses, and written as nodata. The checks
// (empty bands, fill without a nodata) look at the held part. Warnings go to `log`, which holds them until every
// input check has passed. `reading` has the nodata values and gets the fill values.
void maskInvalid(const FuseOptions& o, const FuseInputs& in, const MsiResponse& r, SceneFit& fit, SceneReading& reading,
                 FuseLog& log) {
  Cube& y = fit.y;
  Cube& x = fit.x;
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
  warnOfFill(y, reading.lrNodata, "LR HSI", "--lr-nodata");
  warnOfFill(x, reading.msiNodata, "MSI", "--msi-nodata");
  refuseEmptyBands(o.lrPath, emptyBands(y, reading.lrNodata), in.hsiSelection.kept, false, "--drop-bands");
  refuseEmptyBands(o.msiPath, emptyBands(x, reading.msiNodata), r.msiKeep, true, "--msi-bands");
  fit.lrValid = validPixels(y, reading.lrNodata);
  const int s = reading.scale;
  const PixelMask msiValid = msiValidPixels(reading, x, scaledBy(fit.lr, s));
  auto fill = [](Cube& c, const PixelMask& valid, std::vector<float>& values, const std::string& path) {
    if (std::count(valid.begin(), valid.end(), 1) == 0)
      throw InputError(path + ": no valid pixel in the overlap (all nodata or NaN)");
    values = bandMeansOver(c, valid);
    fillInvalid(c, valid, values);
  };
  fill(y, fit.lrValid, reading.lrFill, o.lrPath);
  fill(x, msiValid, reading.msiFill, o.msiPath);
  fit.hrValid = withLrMask(msiValid, x.cols, fit.lrValid, y.cols, reading.scale);
  if (allValid(fit.lrValid)) fit.lrValid.clear();
  if (allValid(fit.hrValid)) fit.hrValid.clear();
}

// Residual misregistration (phase correlation of the MSI and P Y upsampled); --fix-shift moves the HSI.
// `known`: the shift a saved adaptation recorded (apply), used as it is instead of being estimated again.
void checkShift(const FuseOptions& o, FuseScene& scene, SceneFit& fit, json& report, FuseLog& log,
                const std::optional<HrShift>& known) {
  const int s = scene.scale;
  if (fit.y.rows * s < 16 || fit.y.cols * s < 16) return;
  if (known) {
    scene.shift = known;
    if (o.fixShift) fit.y = shifted(fit.y, known->first / s, known->second / s);
    return;
  }
  const ShiftEstimate d = estimateShift(fit.x, fit.y, scene.p, s);
  scene.shift = HrShift{d.dx, d.dy};
  report["shift"] = {{"dx_hr_pixels", d.dx}, {"dy_hr_pixels", d.dy}, {"peak", d.peak}, {"corrected", o.fixShift}};
  log.say(fmt::format("shift: the MSI is the HSI moved by ({:.2f}, {:.2f}) HR pixels (peak {:.2f}){}", d.dx, d.dy,
                      d.peak, o.fixShift ? "; corrected" : ""));
  if (o.fixShift)
    fit.y = shifted(fit.y, d.dx / s, d.dy / s);
  else if (std::hypot(d.dx, d.dy) > 0.5)
    log.say("Warning: the inputs are misregistered by more than half an HR pixel; --fix-shift corrects it");
}

// Each MSI band in use: its NATIVE_RESOLUTION over the MSI's pixel size, rounded (1 without either).
std::vector<int> msiNativeRatios(const RasterInfo& msi, const std::vector<int>& keep, const std::string& path) {
  std::vector<int> ratios;
  bool coarse = false;
  for (int k : keep) {
    const std::optional<double> native = msi.bands[k].nativeResolution(path);
    const double pixel = msi.geotransform ? std::fabs((*msi.geotransform)[1]) : 0.0;
    ratios.push_back(native && pixel > 0 ? std::max(1, static_cast<int>(std::lround(*native / pixel))) : 1);
    coarse |= ratios.back() > 1;
  }
  if (!coarse) ratios.clear();
  return ratios;
}

}  // namespace

std::vector<bool> FuseScene::msiDetailBands() const {
  std::vector<bool> detail;
  for (int r : msiNativeRatio) detail.push_back(r <= 1);
  return detail;
}

std::vector<std::vector<double>> FuseScene::sharpRowsOfP() const {
  std::vector<std::vector<double>> rows;
  for (std::size_t b = 0; b < p.size(); ++b)
    if (b >= msiNativeRatio.size() || msiNativeRatio[b] <= 1) rows.push_back(p[b]);
  return rows;
}

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

void FuseScene::correctMsiGains(const std::vector<double>& factors) {
  if (!heldFit_ || factors.size() != static_cast<std::size_t>(heldFit_->x.bands))
    throw Error("MSI gain correction: one factor per MSI band of a scene read by readScene");
  for (int b = 0; b < heldFit_->x.bands; ++b) {
    float* x = heldFit_->x.band(b);
    for (std::size_t i = 0; i < heldFit_->x.planeSize(); ++i) x[i] = static_cast<float>(x[i] * factors[b]);
    // The reading's gains are set (and used) only where windows are read from the files: a partial scene.
    if (b < static_cast<int>(reading_->gains.size())) reading_->gains[b] *= factors[b];
  }
  if (gainCorrection.empty()) gainCorrection.assign(factors.size(), 1.0);
  for (std::size_t b = 0; b < factors.size(); ++b) gainCorrection[b] *= factors[b];
}

FuseScene readScene(const FuseOptions& o, FuseInputs& in, MsiResponse& r, json& report, FuseLog& log,
                    const std::optional<HrShift>& knownShift) {
  FuseScene scene;
  scene.scale = in.grid.scale;
  auto fit = std::make_shared<SceneFit>();
  // How the files are read: the bands, their nodata values (--lr-nodata / --msi-nodata replace the files'), the mask.
  auto reading = std::make_shared<SceneReading>();
  reading->scale = scene.scale;
  reading->lr = &in.lr;
  reading->msi = &in.msi;
  reading->lrBands = in.hsiSelection.kept;
  reading->msiBands = r.msiKeep;
  reading->lrWin = in.grid.lrWin;
  reading->hrWin = in.grid.hrWin;
  auto nodataOf = [](const RasterInfo& info, const std::optional<double>& given) {
    std::vector<std::optional<double>> values = info.nodataValues();
    if (given) values.assign(values.size(), given);
    return values;
  };
  reading->lrNodata = nodataOf(in.lr.info().selectBands(in.hsiSelection.kept), o.lrNodata);
  reading->msiNodata = nodataOf(in.msi.info().selectBands(r.msiKeep), o.msiNodata);
  if (in.msiMask) reading->msiMask = &*in.msiMask;
  // A scene over --fit-area: its masks first (one pass over both files), so that the part held is where the data is.
  Window part = fitWindowOf(o, in);
  std::optional<SceneMasks> masks;
  if (!(part == Window{0, 0, in.grid.lrWin.width, in.grid.lrWin.height})) {
    masks = sceneMasks(*reading);
    // An LR pixel counts where it and every HR pixel under it are valid (the MSI's nodata, clouds).
    const int cols = in.grid.lrWin.width;
    const PixelMask usable = withHrMask(masks->lrValid, cols, masks->hrValid, scene.scale);
    part = mostValidWindow(usable, in.grid.lrWin.height, cols, part.height, part.width);
  }
  readOverlap(in, r, part, scene, *fit, report);
  reading->hrWin = scene.hrWin;
  maskInvalid(o, in, r, *fit, *reading, log);
  Cube& y = fit->y;
  scene.peak = y.peak();
  if (!(scene.peak > 0)) throw InputError(o.lrPath + ": the HSI window holds no signal");
  // Every input check has passed: the messages held back so far can go out.
  log.release();
  y.scale(1.0f / scene.peak);
  if (r.estimate) {
    // The MSI blurred like an HSI (MTF-matched Gaussian) and decimated, so the fit compares like with like.
    const ResponseFit pf = estimateResponse(y, blurDownsample(fit->x, mtfGaussian(scene.scale), scene.scale));
    r.p = SpectralResponse::fromRows("estimated from the scene", r.msiNames, pf.p);
    report["srf_estimate"] = {{"relative_residual", pf.relativeResidual}};
    log.say(fmt::format("srf: P estimated from the scene; relative residual per MSI band {:.3f}",
                        fmt::join(pf.relativeResidual, " ")));
  }
  scene.p = r.p.matrix();
  report["P"] = scene.p;
  scene.msiNativeRatio = msiNativeRatios(in.msi.info(), r.msiKeep, o.msiPath);
  if (!scene.msiNativeRatio.empty()) {  // some band is coarser than the grid
    report["msi_native_ratio"] = scene.msiNativeRatio;
    std::vector<std::string> coarse;
    for (std::size_t b = 0; b < r.msiNames.size(); ++b)
      if (scene.msiNativeRatio[b] > 1)
        coarse.push_back(fmt::format("{} ({}x)", r.msiNames[b], scene.msiNativeRatio[b]));
    log.say(fmt::format("msi: {} coarser than the grid: used for their spectra, not for spatial detail",
                        fmt::join(coarse, ", ")));
  }
  scene.gains = matchMsiToHsi(fit->x, y, scene.p, scene.scale);
  report["radiometry"] = {{"hsi_divided_by", scene.peak}, {"msi_gains", scene.gains}};
  checkShift(o, scene, *fit, report, log, knownShift);
  scene.fit = fit;
  scene.heldFit_ = fit;
  scene.reading_ = reading;
  if (!scene.partial()) {
    scene.hrValid = fit->hrValid;
    const auto invalid = [](const PixelMask& m) { return static_cast<std::size_t>(std::count(m.begin(), m.end(), 0)); };
    report["nodata"] = {{"lr_invalid_pixels", invalid(fit->lrValid)}, {"hr_invalid_pixels", invalid(fit->hrValid)}};
    scene.lr = {y.bands, y.rows, y.cols, [fit](const Window& w) { return fit->y.crop(w); }};
    scene.hr = {fit->x.bands, fit->x.rows, fit->x.cols, [fit](const Window& w) { return fit->x.crop(w); }};
    return scene;
  }
  // A scene over --fit-area: the rest is read from the files window by window, as the held part was prepared.
  reading->peak = scene.peak;
  reading->gains = scene.gains;
  if (o.fixShift && scene.shift)
    reading->lrShift = {scene.shift->first / scene.scale, scene.shift->second / scene.scale};
  scene.hrValid = masks->hrValid;
  report["nodata"] = {{"lr_invalid_pixels", masks->lrInvalid}, {"hr_invalid_pixels", masks->hrInvalid}};
  report["fit_area"] = {{"lr_window", {fit->lr.col, fit->lr.row, fit->lr.width, fit->lr.height}},
                        {"lr_pixels", static_cast<long long>(fit->lr.width) * fit->lr.height},
                        {"of_lr_pixels", static_cast<long long>(in.grid.lrWin.width) * in.grid.lrWin.height}};
  log.say(fmt::format(
      "fit: {} x {} of the {} x {} LR pixels (from column {}, row {}: the part with the most valid "
      "pixels) are held and fitted on (--fit-area {}); the scene is read window by window",
      fit->lr.width, fit->lr.height, in.grid.lrWin.width, in.grid.lrWin.height, fit->lr.col, fit->lr.row, o.fitAreaLr));
  scene.lr = lrSceneWindows(reading);
  scene.hr = hrSceneWindows(reading);
  // Shifted as a window of the scene, the held part's border takes its neighbours' values rather than its own edge's:
  // held and read by windows, the same values.
  if (reading->lrShift) fit->y = scene.lr.read(fit->lr);
  return scene;
}

}  // namespace hsifuse
