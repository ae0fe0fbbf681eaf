#include "pipeline/FusionJob.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <chrono>
#include <cstdlib>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sys/resource.h>
#include <unistd.h>

#include "geo/BandSubset.h"
#include "geo/Coregistration.h"
#include "geo/GdalEnvironment.h"
#include "geo/GridRelation.h"
#include "geo/RasterDataset.h"
#include "lib/AtomicOutput.h"
#include "lib/ShareDir.h"
#include "lib/ClassicalFusion.h"
#include "lib/Degradation.h"
#include "lib/Error.h"
#include "lib/KernelEstimation.h"
#include "lib/Qnr.h"
#include "lib/Quicklook.h"
#include "lib/Resampling.h"
#include "lib/ResponseEstimation.h"
#include "lib/ShiftEstimation.h"
#include "lib/SpectralResponse.h"
#include "lib/Text.h"
#include "lib/TilePlan.h"
#include "lib/WindowSource.h"
#include "models/Adaptation.h"
#include "models/FusionModel.h"
#include "models/TorchRuntime.h"
#include "pipeline/JsonNumbers.h"
#include "pipeline/MemoryPlan.h"
#include "pipeline/QualityJob.h"
#include "pipeline/SceneChoices.h"

namespace fs = std::filesystem;

namespace hsifuse {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Where the shipped models are, found at run time so that a copied or installed binary finds them too:
// $HSIFUSE_MODELS, the source tree's models/pretrained compiled in, then models/ in the share directory
// (lib/ShareDir.h: $HSIFUSE_DATA, or <executable>/../share/hsi-fuse). "" when none exists.
std::string modelsDir() {
  if (const char* env = std::getenv("HSIFUSE_MODELS"); env && *env && fs::is_directory(env)) return env;
#ifdef HSIFUSE_MODELS_DIR
  if (fs::is_directory(HSIFUSE_MODELS_DIR)) return HSIFUSE_MODELS_DIR;
#endif
  try {
    const std::string shared = findShareFile("models");
    if (fs::is_directory(shared)) return shared;
  } catch (const Error&) {
  }
  return "";
}

// Where the LR grid sits on the HR grid: the HR pixel of the LR origin, which must be whole.
std::pair<int, int> lrOriginOnHr(const RasterInfo& lr, const RasterInfo& hr) {
  if (!lr.geotransform || !hr.geotransform) return {0, 0};
  const std::optional<GridOffset> o = originOnGrid(lr, hr);
  if (!o) throw InputError("rotated geotransforms are not supported yet: warp both inputs north-up with gdalwarp first");
  if (!o->whole)
    throw InputError(fmt::format("the LR grid is not aligned with whole HR pixels (its origin falls at HR pixel "
                                 "{:.3f}, {:.3f}): resample with gdalwarp -tap first",
                                 o->col, o->row));
  return {o->wholeCol, o->wholeRow};
}

// A file removed when the job ends, however it ends.
struct TemporaryFile {
  std::string path;
  ~TemporaryFile() {
    std::error_code ec;
    if (!path.empty()) fs::remove(path, ec);
  }
};

// The largest window left after trimming border rows and columns that hold a NaN (greedily, the side with
// the most NaN pixels first).
Window nanFreeInterior(const Cube& y) {
  int r0 = 0, c0 = 0, r1 = y.rows, c1 = y.cols;
  auto nanCount = [&](int ra, int rb, int ca, int cb) {
    int n = 0;
    for (int b = 0; b < y.bands; ++b)
      for (int r = ra; r < rb; ++r)
        for (int c = ca; c < cb; ++c) n += std::isnan(y.at(b, r, c));
    return n;
  };
  while (r1 - r0 >= 2 && c1 - c0 >= 2) {
    const int top = nanCount(r0, r0 + 1, c0, c1), bottom = nanCount(r1 - 1, r1, c0, c1);
    const int left = nanCount(r0, r1, c0, c0 + 1), right = nanCount(r0, r1, c1 - 1, c1);
    const int worst = std::max({top, bottom, left, right});
    if (worst == 0) break;
    if (worst == top) ++r0;
    else if (worst == bottom) --r1;
    else if (worst == left) ++c0;
    else --c1;
  }
  if (nanCount(r0, r1, c0, c1) > 0) return {0, 0, 0, 0};
  return {c0, r0, c1 - c0, r1 - r0};
}

// What pairing the grids decided: the scale, the LR window and the HR window of the overlap (whole LR
// pixels), the report's "grids" entry and a line for the log.
struct GridPairing {
  int scale = 0;
  Window lrWin, hrWin;
  json grids;
  std::string note;
};

// Plain grids pair at their corner; georeferenced ones over their overlap, the LR HSI warped onto an MSI-aligned
// grid first when the CRSs differ or its grid is off the MSI pixel corners (lrDs then reads the warped VRT,
// which `warped` removes at the end of the job).
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
      throw InputError(fmt::format("{} ({}x{}) is larger than {} ({}x{}): the arguments look swapped; the order is LR_HSI "
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
      throw InputError(fmt::format("{} has finer pixels than {} (ratio {:.4g}): the arguments look swapped; the order "
                                   "is LR_HSI HR_MSI OUTPUT",
                                   o.lrPath, o.msiPath, std::min(g.ratioX, g.ratioY)));
    // A forced ratio that the georeferencing contradicts would fuse mismatched grids without a word.
    if (s > 0 && comparable && std::max(std::fabs(g.ratioX - s), std::fabs(g.ratioY - s)) > 0.01 * s)
      throw InputError(fmt::format("--scale {}: the grids say the LR pixel is {:.4g} x {:.4g} MSI pixels; drop --scale, or "
                                   "use --assume-aligned for plain pixel grids",
                                   s, g.ratioX, g.ratioY));
    if (s == 0) {
      if (g.scale == 0) throw InputError(g.note.empty() ? "the resolution ratio is not an integer" : g.note + " (or give --scale)");
      s = g.scale;
    }
    if (!g.overlapHr) throw InputError(fmt::format("{} and {} do not overlap", o.lrPath, o.msiPath));
    grids = {{"method", g.method}, {"ratio", {g.ratioX, g.ratioY}}};
    if (!gridsAligned(lrInfo, msiInfo)) {
      // Different CRSs, or an LR grid off the HR pixel corners: warp the LR HSI onto an aligned grid.
      warped.path = (fs::temp_directory_path() / fmt::format("hsifuse-{}-{}-lr.vrt", ::getpid(), stamp)).string();
      const WarpedLr w = warpOntoHrGrid(lrInfo, msiInfo, s, warped.path, o.resampling);
      lrDs = RasterDataset::open(w.path, OpenOptions{o.wavelengths});
      lrCol0 = lrRow0 = 0;
      lrCols = w.hrWindow.width / s;
      lrRows = w.hrWindow.height / s;
      hrCol0 = w.hrWindow.col;
      hrRow0 = w.hrWindow.row;
      grids["coregistration"] = {{"warped", true}, {"resampling", o.resampling}, {"crs", msiInfo.crsName}};
      note = fmt::format("co-registration: LR HSI warped onto the MSI grid ({}, {} resampling)", msiInfo.crsName, o.resampling);
    } else {
      auto [oc, orr] = lrOriginOnHr(lrInfo, msiInfo);
      // Whole LR pixels inside the HR overlap.
      const int firstCol = static_cast<int>(std::ceil(double(g.overlapHr->col - oc) / s));
      const int firstRow = static_cast<int>(std::ceil(double(g.overlapHr->row - orr) / s));
      const int lastCol = static_cast<int>(std::floor(double(g.overlapHr->col + g.overlapHr->width - oc) / s));
      const int lastRow = static_cast<int>(std::floor(double(g.overlapHr->row + g.overlapHr->height - orr) / s));
      lrCol0 = std::max(0, firstCol);
      lrRow0 = std::max(0, firstRow);
      lrCols = std::min(lastCol, lrInfo.width) - lrCol0;
      lrRows = std::min(lastRow, lrInfo.height) - lrRow0;
      hrCol0 = oc + lrCol0 * s;
      hrRow0 = orr + lrRow0 * s;
    }
  }
  if (lrCols < 2 || lrRows < 2) throw InputError("the overlap holds fewer than 2 x 2 whole LR pixels");
  return {s, Window{lrCol0, lrRow0, lrCols, lrRows}, Window{hrCol0, hrRow0, lrCols * s, lrRows * s}, grids, note};
}

// The NR score of the output and QNR/HQNR against the inputs (with the kernel UAL estimated, else the
// MTF-matched Gaussian); QNR is left out when the inputs have nodata. `line` gets the log line.
json qualitySection(const Cube& z, const Cube& y, const Cube& x, int s, const RasterInfo& hsi, const PixelMask& hrValid,
                    const std::optional<BlurKernel>& estimatedKernel, std::string& line, const ProgressFn& progress) {
  const ScoreResult nr = scoreCube(z, normalisationFactor(z, "paper", hrValid, "output"), hsi.spectralBands(), hrValid, {});
  json q{{"nr_score", finiteOrNull(nr.score)}, {"nr_blocks", nr.blocks}, {"nr_pan_weights", nr.panWeights}};
  if (!hrValid.empty()) {
    q["qnr"] = nullptr;  // QNR's block statistics have no rule for nodata
    line = fmt::format("quality: NR score {:.3f} (lower is better); QNR not computed (the inputs have nodata)", nr.score);
    return q;
  }
  const int block = std::min({32, z.rows, z.cols});
  const QnrResult r = qnrIndices(z, y, x, s, estimatedKernel ? *estimatedKernel : mtfGaussian(s), block, progress);
  q.update({{"qnr", r.qnr}, {"d_lambda", r.dLambda}, {"d_s", r.dS}, {"hqnr", r.hqnr}, {"d_lambda_khan", r.dLambdaKhan},
            {"qnr_block", block}, {"qnr_kernel", estimatedKernel ? "estimated" : "mtf-gaussian-0.29"}});
  line = fmt::format("quality: NR score {:.3f} (lower is better), QNR {:.4f}", nr.score, r.qnr);
  return q;
}

// A small picture for people (values 0..255) written as a PNG with `layout`'s bands.
void writeBytePng(const std::string& path, const RasterInfo& layout, const Cube& picture, bool overwrite) {
  WriteOptions w;
  w.format = "PNG";
  w.outputType = "Byte";
  w.overwrite = overwrite;
  RasterWriter writer(path, layout, w);
  writer.writeWindow({0, 0, picture.cols, picture.rows}, picture);
  writer.commit();
}

// An RGB PNG of the output on its grid from its three quicklook bands (`chosen`); returns the report entry.
json writeQuicklook(const Cube& rgbBands, const std::vector<int>& chosen, const RasterInfo& hsi, const RasterInfo& layout,
                    const std::string& path, bool overwrite) {
  const Cube rgb = stretchRgb(rgbBands);
  RasterInfo ql = layout;
  ql.bands.clear();
  ql.metadata.clear();
  ql.badBandList.clear();
  for (int k = 0; k < 3; ++k) {
    BandInfo b;
    b.dataType = "Byte";
    b.description = std::string(k == 0 ? "red" : k == 1 ? "green" : "blue") + " (" + hsi.bands[chosen[k]].description + ")";
    b.spectral = hsi.bands[chosen[k]].spectral;
    ql.bands.push_back(b);
  }
  writeBytePng(path, ql, rgb, overwrite);
  return {{"path", path}, {"bands", {chosen[0] + 1, chosen[1] + 1, chosen[2] + 1}}};
}

// Where the fused tiles go, in the order the method produces them: back to the HSI's units, nodata where no
// input pixel was valid, into the output writer. On the way the tiles leave behind what the end of the job
// needs from the whole output: the window the quality section scores (normalised units, before nodata) and the
// three quicklook bands.
struct OutputTiles {
  RasterWriter& writer;
  float peak;
  const PixelMask& hrValid;
  float nodataValue;
  int cols;
  Window qualityWindow;       // empty when no report is asked for
  Cube quality;               // bands x qualityWindow, allocated with the first tile (after the adaptation's training)
  std::vector<int> rgb;       // quicklook bands, empty when none is asked for
  Cube rgbBands;              // 3 x rows x cols

  void put(const Window& w, const Cube& z) {
    if (!qualityWindow.empty()) {
      if (quality.data.empty()) quality = Cube(z.bands, qualityWindow.height, qualityWindow.width);
      pasteOverlap(z, w, quality, qualityWindow);
    }
    Cube out = z;
    out.scale(peak);
    if (!hrValid.empty())
      for (int r = 0; r < w.height; ++r)
        for (int c = 0; c < w.width; ++c)
          if (!hrValid[static_cast<std::size_t>(w.row + r) * cols + w.col + c])
            for (int b = 0; b < out.bands; ++b) out.at(b, r, c) = nodataValue;
    if (!rgb.empty()) {
      Cube three(3, w.height, w.width);
      for (int k = 0; k < 3; ++k) std::copy_n(out.band(rgb[k]), out.planeSize(), three.band(k));
      pasteOverlap(three, w, rgbBands, {0, 0, rgbBands.cols, rgbBands.rows});
    }
    writer.writeWindow(w, out);
  }
  WindowSink sink() {
    return [this](const Window& w, const Cube& z) { put(w, z); };
  }
};

// The resident memory of this process now, in MB (Linux /proc; 0 where it cannot be read).
double residentMb() {
  std::ifstream statm("/proc/self/statm");
  double pages = 0, resident = 0;
  if (!(statm >> pages >> resident)) return 0;
  return resident * static_cast<double>(::sysconf(_SC_PAGESIZE)) / 1e6;
}

// The central window of the HR grid, aligned to s, holding at most `maxPixels` pixels (the whole grid when it fits).
Window centralWindow(int rows, int cols, int s, double maxPixels) {
  if (double(rows) * cols <= maxPixels) return {0, 0, cols, rows};
  const int side = std::max(s, static_cast<int>(std::sqrt(maxPixels)) / s * s);
  const int h = std::min(rows / s * s, side), w = std::min(cols / s * s, std::max(s, static_cast<int>(maxPixels / h) / s * s));
  return {(cols - w) / 2 / s * s, (rows - h) / 2 / s * s, w, h};
}

// bicubic, GSA and GLP-HS: no network, no model, no adaptation.
bool isClassicalMethod(const std::string& method) { return method == "bicubic" || method == "gsa" || method == "glp-hs"; }

// The fusion module for the learned methods: --model, else the shipped one whose sidecar matches the scene.
// Without a match, ual and fixed-kernel go on with a classical first stage alone (--model none).
struct ChosenModel {
  std::optional<FusionModel> model;
  std::string path;  // "none" without a model
};

ChosenModel chooseModel(const FuseOptions& o, const std::vector<SpectralBand>& hsiBands,
                        const std::vector<std::string>& msiBands, int s, const std::function<void(const std::string&)>& say) {
  const bool adapts = o.method == "ual" || o.method == "fixed-kernel";
  const std::string noModuleToTune = "--finetune: there is no fusion module to fine-tune without a model; pass --model FILE";
  if (!(adapts || o.method == "fusion-only")) return {std::nullopt, "none"};
  if (o.model == "none") {
    if (o.finetune) throw InputError(noModuleToTune);
    return {std::nullopt, "none"};
  }
  std::string path = o.model;
  if (path.empty()) {
    for (const auto& candidate : shippedModels()) {
      try {
        // The sidecar alone decides; only the chosen model's weights are read.
        FusionModelInfo::loadSidecar(candidate).checkCompatible(hsiBands, msiBands, s);
        path = candidate;
        break;
      } catch (const InputError&) {
      }
    }
    if (path.empty()) {
      std::string list;
      for (const auto& m : shippedModels()) list += (list.empty() ? "" : ", ") + fs::path(m).filename().string();
      const std::string what = fmt::format("no shipped model matches these {} HSI bands, MSI bands {} and scale {} (shipped: {})",
                                           hsiBands.size(), fmt::join(msiBands, ","), s, list.empty() ? "none" : list);
      if (!adapts) throw InputError(what + "; train one with 'hsi-fuse train' and pass --model, or use --method gsa");
      if (o.finetune) throw InputError(what + "; " + noModuleToTune);
      say("Note: " + what + "; UAL adapts a classical first stage instead (--model none); train a model with "
          "'hsi-fuse train' and pass --model to use a fusion module");
      return {std::nullopt, "none"};
    }
  }
  FusionModel model = FusionModel::load(path);
  model.checkCompatible(hsiBands, msiBands, s);
  return {std::move(model), path};
}

struct MethodOutcome {
  std::optional<BlurKernel> kernel;
  json report;
  std::vector<std::pair<std::string, double>> seconds;
};

// Every tile of `source` (cores of `tile` HR pixels, aligned to s) into `sink`.
void streamTiles(const WindowSource& source, int tile, int s, const WindowSink& sink, const ProgressFn& progress,
                 const std::string& stage) {
  const TilePlan plan(source.rows, source.cols, std::max(tile, s), 0, s);
  const auto& tiles = plan.tiles();
  for (std::size_t i = 0; i < tiles.size(); ++i) {
    sink(tiles[i].core, source.read(tiles[i].core));
    if (progress && !progress(double(i + 1) / tiles.size(), stage)) throw Interrupted();
  }
}

// Step 4 of the job: the chosen method on the read, scaled scene (y / peak, the MSI matched to P y), its output
// streamed tile by tile into `output`. The first stage is computed window by window; when the adaptation needs
// it many times, it is computed once into the temporary GeoTIFF `stagePath` (removed at the end of the job)
// and read back by patches.
MethodOutcome runMethod(const FuseOptions& o, ChosenModel& chosen, const Cube& y, const Cube& x,
                        const std::vector<std::vector<double>>& p, int s, int tile, const PixelMask& lrValid,
                        const PixelMask& hrValid, const std::string& stagePath, const WindowSink& output,
                        const ProgressFn& progress) {
  MethodOutcome out;
  std::optional<FusionModel>& model = chosen.model;
  auto t0 = Clock::now();
  const bool dip = o.method == "dip";
  const bool adapts = o.method == "ual" || o.method == "fixed-kernel" || dip;
  // The scene's blur kernel, chosen on held-out LR pixels (pipeline/SceneChoices.h): the degradation the
  // adaptation starts from, and the one the first-stage choice degrades with.
  std::optional<SceneKernel> kernel;
  if (adapts || (o.method == "fusion-only" && o.stage1 == "auto")) {
    kernel = sceneKernel(y, x, p, s, lrValid, static_cast<std::uint64_t>(o.seed));
    out.seconds.emplace_back("kernel_choice", seconds(t0));
  }
  // The first stage of ual and fixed-kernel (issue #12): --stage1 auto scores the matching fusion module, GSA and
  // GLP-HS on the scene itself and keeps the best; a classical name forces that fusion without a module, "model"
  // forces the module. Fine-tuning needs the module; dip trains a new one on the bicubic upsampling.
  std::string stage1;
  if (isClassicalMethod(o.method)) {
    stage1 = o.method;
  } else if (dip) {
    stage1 = o.stage1 == "auto" ? "bicubic" : o.stage1;
  } else if (o.stage1 == "model" || o.finetune || o.method == "fusion-only") {
    if (!model) throw InputError("--stage1 model: no fusion module matches this scene; pass --model FILE");
    stage1 = model->info().stage1;
  } else if (o.stage1 == "auto") {
    t0 = Clock::now();
    const StageChoice choice = chooseFirstStage(stageCandidates(model ? &*model : nullptr, kernel->kernel, s, o.device, tile),
                                                y, x, p, kernel->kernel, s);
    out.report["first_stage"] = stageReport(choice);
    out.seconds.emplace_back("first_stage_choice", seconds(t0));
    if (choice.chosen == "model") {
      stage1 = model->info().stage1;
    } else {
      stage1 = choice.chosen;
      if (model) chosen.path = "none (the first-stage choice preferred " + choice.chosen + ")";
      model.reset();
    }
  } else {
    stage1 = o.stage1;
    if (model) chosen.path = "none (--stage1 " + o.stage1 + ")";
    model.reset();
  }
  t0 = Clock::now();
  // GLP-HS as a first stage uses the scene's kernel as the LR sensor's MTF (the candidate that was scored).
  const ClassicalFusion classical(ClassicalFusion::parseMethod(stage1, "--stage1"), y, x, s,
                                  kernel && !isClassicalMethod(o.method) ? kernel->kernel : BlurKernel{});
  const WindowSource classicalSource{y.bands, x.rows, x.cols, [&](const Window& w) { return classical.window(w); }};
  if (isClassicalMethod(o.method)) {
    streamTiles(classicalSource, tile, s, output, scaledProgress(progress, 0.1, 0.9), o.method);
    out.seconds.emplace_back(o.method, seconds(t0));
    return out;
  }
  if (dip) {
    // The "no pretraining" ablation: a new fusion module, trained only by the scene's own observations.
    FusionModelInfo info;
    info.width = o.dipWidth;
    info.scale = s;
    info.stage1 = stage1;
    info.hsiBands.resize(y.bands);
    for (int b = 0; b < x.bands; ++b) info.msiBands.push_back(fmt::format("band {}", b + 1));
    info.p = p;
    model.emplace(info, static_cast<std::uint64_t>(o.seed));
  }
  const bool trainsFusion = dip || o.finetune;
  out.report["model"] = {{"path", dip ? std::string("none (a new, untrained module)") : chosen.path},
                         {"stage1", stage1}, {"trained_during_adaptation", trainsFusion}};
  // Z~ (or, when the module trains in the loop, its input).
  const WindowSource stage = model && !trainsFusion ? model->outputSource(x, classicalSource, o.device) : classicalSource;
  if (o.method == "fusion-only") {
    streamTiles(stage, tile, s, output, scaledProgress(progress, 0.1, 0.9), "fusion");
    out.seconds.emplace_back("fusion", seconds(t0));
    return out;
  }
  TemporaryFile stageFile{stagePath};
  try {
    RasterInfo layout;
    layout.width = stage.cols;
    layout.height = stage.rows;
    layout.bands.resize(stage.bands);
    for (BandInfo& b : layout.bands) b.dataType = "Float32";
    WriteOptions w;
    w.creationOptions = {"TILED=YES", "BLOCKXSIZE=128", "BLOCKYSIZE=128", "INTERLEAVE=BAND", "BIGTIFF=IF_SAFER"};
    w.overwrite = true;  // our own temporary name
    RasterWriter writer(stagePath, layout, w);
    streamTiles(stage, tile, s, [&](const Window& win, const Cube& z) { writer.writeWindow(win, z); },
                scaledProgress(progress, 0.1, 0.2), model && !trainsFusion ? "fusion" : stage1);
    writer.commit();
  } catch (const Interrupted&) {
    throw;
  } catch (const InputError&) {
    throw;
  } catch (const Error& e) {
    // The user named OUTPUT, not this file: say where it goes and how big it is.
    throw Error(fmt::format("{}: cannot write the temporary first stage beside it ({:.1f} MB, Float32): {}; free space in "
                            "that folder or write OUTPUT elsewhere",
                            o.outPath, 4.0 * stage.bands * double(stage.rows) * stage.cols / 1e6, e.what()));
  }
  const RasterDataset stageDs = RasterDataset::open(stagePath);
  // Open, the file no longer needs its name: removing it now means that even a run killed during the
  // adaptation (SIGKILL, no destructors) leaves no scene-sized file behind; the open handle still reads it.
  std::error_code removed;
  fs::remove(stagePath, removed);
  const WindowSource stageOnDisk{stage.bands, stage.rows, stage.cols, [&](const Window& w) { return stageDs.readWindow(w); }};
  out.seconds.emplace_back("fusion", seconds(t0));

  t0 = Clock::now();
  AdaptationOptions a;
  a.steps = o.steps;
  if (o.adaptLearningRate > 0) a.learningRate = o.adaptLearningRate;
  if (o.kernelLearningRate >= 0) a.kernelLearningRate = o.kernelLearningRate;
  if (o.fusionLearningRate > 0) a.fusionLearningRate = o.fusionLearningRate;
  if (o.adaptWidth > 0) a.width = o.adaptWidth;
  a.patchLr = o.patchLr >= 0 ? o.patchLr : defaultPatchLr(s, y.bands);
  a.seed = static_cast<std::uint64_t>(o.seed);
  a.tileSize = tile;
  a.lrValid = lrValid;
  a.hrValid = hrValid;
  // The paper's Table 1 ablation: UAL's predefined 8x8 Gaussian (sigma sqrt 3) instead of the learned kernel.
  if (o.method == "fixed-kernel") {
    a.learnKernel = false;
  } else if (o.kernel == "auto") {
    // The kernel is learned (the paper's degeneration net); it starts from the candidate with the lowest held-out
    // residual, the least-squares fit of D_k Z~ = Y over all HSI bands (the start used before the choice existed)
    // included. Measured on Houston with a motion kernel: keeping a parametric winner fixed lost 9 dB to learning.
    // On the central 256 x 256 HR pixels at most: the fit uses 20000 samples, and with a module the crop runs
    // through it whole.
    const Window lrFit = kernelFitWindow(y.rows, y.cols, s, 256);
    const Cube z = stage.read({lrFit.col * s, lrFit.row * s, lrFit.width * s, lrFit.height * s});
    kernel->offer("least-squares-first-stage", estimateKernelLeastSquares(z, y.crop(lrFit), kernel->taps, s, 20000, a.seed),
                  fmt::format("{} x {} free taps fitted to D_k Z~ = Y (all HSI bands)", kernel->taps, kernel->taps), s);
    a.startKernel = kernel->kernel;
  } else {
    a.learnKernel = false;
    a.fixedKernel = BlurKernel::parse(o.kernel);
  }
  if (kernel) out.report["kernel_choice"] = kernelReport(*kernel, a.learnKernel);
  if (o.steps == 0) a.validateEvery = 0;
  a.device = o.device;
  const AdaptationResult r = adaptSceneStreamed(stageOnDisk, y, x, p, s, a, output, trainsFusion ? &*model : nullptr,
                                                scaledProgress(progress, 0.2, 0.9));
  out.kernel = r.kernel;
  json hist = json::array();
  for (const auto& [step, loss] : r.lossHistory) hist.push_back({step, loss});
  json validation = json::array();
  for (const auto& [step, loss] : r.validationHistory) validation.push_back({step, loss});
  out.report["adaptation"] = {{"steps", r.stepsRun}, {"loss_history", hist}, {"validation_history", validation},
                              {"kept_step", r.bestStep}, {"stopped_early", r.stoppedEarly},
                              {"kernel_size", r.kernel.rows}, {"kernel", r.kernel.w}};
  out.seconds.emplace_back("adaptation", seconds(t0));
  return out;
}

}  // namespace

std::vector<std::string> shippedModels() {
  std::vector<std::string> out;
  const std::string dir = modelsDir();
  if (dir.empty()) return out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".safetensors" && fs::exists(e.path().string() + ".json")) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string runFusionJob(const FuseOptions& o, const ProgressFn& progress, const LogFn& log) {
  const auto start = Clock::now();
  json report;
  // Messages wait until the inputs have passed every check, so bad input gets only its one-line error.
  std::vector<std::string> pending;
  bool checked = false;
  auto say = [&](const std::string& m) {
    if (!log) return;
    if (checked)
      log(m);
    else
      pending.push_back(m);
  };
  static const std::vector<std::string> methods{"ual", "fixed-kernel", "dip", "fusion-only", "gsa", "glp-hs", "bicubic"};
  if (std::find(methods.begin(), methods.end(), o.method) == methods.end())
    throw InputError(fmt::format("--method: '{}' is not one of {}", o.method, fmt::join(methods, ", ")));
  static const std::vector<std::string> stages{"auto", "model", "gsa", "glp-hs", "bicubic"};
  if (std::find(stages.begin(), stages.end(), o.stage1) == stages.end())
    throw InputError(fmt::format("--stage1: '{}' is not one of {}", o.stage1, fmt::join(stages, ", ")));
  if (o.kernel != "auto") BlurKernel::parse(o.kernel);  // a bad SPEC names --kernel
  if (o.finetune && o.method != "ual" && o.method != "fixed-kernel")
    throw InputError("--finetune: only --method ual or fixed-kernel fine-tune a fusion module");
  validateWriteOptions(o.write);
  for (const auto& [path, option] : {std::pair{o.kernelOutPath, "--kernel-out"}, std::pair{o.kernelPngPath, "--kernel-png"}})
    if (!path.empty() && o.method != "ual" && o.method != "dip" && o.method != "fixed-kernel")
      throw InputError(fmt::format("{}: only --method ual, dip or fixed-kernel have a kernel", option));
  std::vector<NamedPath> inputs{{o.lrPath, "LR_HSI"}, {o.msiPath, "HR_MSI"}, {o.wavelengths, "--wavelengths"},
                                 {o.srf, "--srf"}, {o.model, "--model"}};
  for (const std::string& m : shippedModels()) {  // the default --model is chosen later, among these
    inputs.push_back({m, "a shipped model"});
    inputs.push_back({m + ".json", "a shipped model's sidecar"});
  }
  checkOutputs({{o.outPath, "OUTPUT"}, {o.reportPath, "--report"}, {o.quicklookPath, "--quicklook"},
                {o.kernelOutPath, "--kernel-out"}, {o.kernelPngPath, "--kernel-png"}},
               inputs, o.write.overwrite);

  // 1. Grids.
  RasterDataset lrDs = RasterDataset::open(o.lrPath, OpenOptions{o.wavelengths});
  TemporaryFile warpedVrt;  // the warped LR HSI, when co-registration is needed
  RasterDataset msiDs = RasterDataset::open(o.msiPath);
  const RasterInfo& lrInfo = lrDs.info();
  const RasterInfo& msiInfo = msiDs.info();
  const BandSelection sel = selectRasterBands(lrInfo, o.bands);
  RasterInfo hsi = lrInfo.selectBands(sel.kept);
  hsi.requireWavelengths("fuse (building P)");
  const GridPairing grid = pairGrids(o, lrDs, msiInfo, warpedVrt, start.time_since_epoch().count());
  const int s = grid.scale;
  const Window lrWin = grid.lrWin;
  Window hrWin = grid.hrWin;
  report["grids"] = grid.grids;
  if (!grid.note.empty()) say(grid.note);
  report["scale"] = s;
  report["lr_window"] = {lrWin.col, lrWin.row, lrWin.width, lrWin.height};
  report["hr_window"] = {hrWin.col, hrWin.row, hrWin.width, hrWin.height};
  say(fmt::format("grid: scale {}, {} x {} LR pixels -> {} x {} HR pixels", s, lrWin.width, lrWin.height, hrWin.width, hrWin.height));

  // 2. P and the MSI bands.
  std::vector<int> msiKeep;
  if (!o.msiBands.empty()) {
    BandFilter f;
    f.keep = parseIndexRanges(o.msiBands, "--msi-bands");
    msiKeep = selectBands(f, msiInfo.spectralBands(), {}, {}, o.msiPath).kept;
  } else {
    for (int b = 0; b < msiInfo.bandCount(); ++b) msiKeep.push_back(b);
  }
  // --srf estimate: P is fitted from the scene once it is read; until then only its row names count.
  const bool estimateP = toLower(o.srf) == "estimate";
  std::vector<std::string> msiNames;
  for (int k : msiKeep)
    msiNames.push_back(msiInfo.bands[k].description.empty() ? fmt::format("band {}", k + 1) : msiInfo.bands[k].description);
  SpectralResponse p = estimateP ? SpectralResponse::fromRows("estimate", msiNames,
                                                              std::vector<std::vector<double>>(msiKeep.size(), std::vector<double>(sel.kept.size(), 1.0)))
                                 : SpectralResponse::fromSpec(o.srf, hsi.spectralBands());
  for (const auto& w : p.warnings()) say("Warning: " + w);
  if (p.matrix().size() != msiKeep.size())
    throw InputError(fmt::format("{} has {} band(s) in use but P ({}) has {} row(s) ({}): choose the matching MSI bands "
                                 "with --msi-bands",
                                 o.msiPath, msiKeep.size(), o.srf, p.matrix().size(), fmt::format("{}", fmt::join(p.keptBandNames(), ","))));
  // The model (for the learned methods) is found and checked before anything is read.
  ChosenModel chosen = chooseModel(o, hsi.spectralBands(), p.keptBandNames(), s, say);
  const std::optional<FusionModel>& model = chosen.model;
  // Memory (--ram, the whole process): pipeline/MemoryPlan.h. What the program occupies already, the inputs held
  // whole, the adaptation's largest buffer, the report's window; the rest goes to the tiles.
  const double hsiBands = static_cast<double>(sel.kept.size()), hrPixels = double(hrWin.width) * hrWin.height;
  const bool trainsFusion = o.method == "dip" || o.finetune;
  const bool usesNetworks = !isClassicalMethod(o.method);
  MemoryPlanInputs mi;
  mi.ramMb = o.ramMb;
  mi.gdalCacheMb = capGdalBlockCache(std::clamp(o.ramMb / 16, 16.0, 128.0));
  mi.programMb = residentMb();
  mi.hsiBands = static_cast<int>(sel.kept.size());
  mi.msiBands = static_cast<int>(msiKeep.size());
  mi.scale = s;
  mi.lrRows = lrWin.height;
  mi.lrCols = lrWin.width;
  mi.report = !o.reportPath.empty();
  mi.quicklook = !o.quicklookPath.empty();
  mi.adapts = o.method == "ual" || o.method == "fixed-kernel" || o.method == "dip";
  mi.trainsFusion = trainsFusion;
  mi.usesNetworks = usesNetworks;
  mi.patchLr = o.patchLr > 0 ? o.patchLr : o.patchLr < 0 ? defaultPatchLr(s, mi.hsiBands) : std::max(lrWin.width, lrWin.height);
  mi.adaptRadius = 2 * AdaptationOptions{}.depth + 1;
  mi.fusionRadius = model ? model->receptiveRadius() : 2 * FusionModelInfo{}.depth + 1;
  mi.netRadius = usesNetworks ? (model ? model->receptiveRadius() : mi.adaptRadius) : 0;
  mi.netWidth = std::max(model ? model->info().width : 0, o.method == "dip" ? o.dipWidth : 8);
  mi.fusionWidth = trainsFusion ? std::max(model ? model->info().width : 0, o.method == "dip" ? o.dipWidth : 0) : 0;
  mi.tile = o.tile;
  mi.kernelStartValues = hsiBands * std::min(hrPixels, double(kKernelStartSideHr) * kKernelStartSideHr);
  mi.choiceValues = choiceWorkingValues(lrWin.height, lrWin.width, mi.hsiBands, mi.msiBands, s);
  const MemoryPlan memory = planMemory(mi);
  const int tile = memory.tile, netRadius = mi.netRadius;
  if (memory.budgetLimited) {
    report["tiles"]["budget_limited"] = true;
    say(fmt::format("Warning: --ram {:.0f} allows tiles of {} HR pixels, under the usual {}: the output may differ in "
                    "float rounding from runs with a larger --ram",
                    o.ramMb, tile, memory.canonicalTile));
  }
  {
    const TilePlan plan(hrWin.height, hrWin.width, std::max(tile, s), netRadius, s);
    report["tiles"].update({{"tile", tile}, {"halo", netRadius}, {"count", plan.tiles().size()},
                            {"held_mb", memory.heldMb}, {"program_mb", mi.programMb}, {"gdal_cache_mb", mi.gdalCacheMb},
                            {"ram_mb", o.ramMb}});
    say(fmt::format("tiles: {} of up to {} x {} HR pixels (halo {})", plan.tiles().size(), tile, tile, netRadius));
  }
  report["bands"] = {{"hsi_kept", sel.kept.size()}, {"hsi_dropped", sel.dropped.size()}, {"msi", p.keptBandNames()}};

  // 3. Read and bring to one scale: Y / peak, and each MSI band fitted to P Y on the LR grid.
  auto t0 = Clock::now();
  Cube y = lrDs.readWindow(lrWin, sel.kept);
  Cube x = msiDs.readWindow(hrWin, msiKeep);
  if (!warpedVrt.path.empty()) {
    // A reprojected footprint is not a rectangle: trim the LR rows/columns the warp left empty (NaN).
    const Window inner = nanFreeInterior(y);
    if (inner.width < 2 || inner.height < 2) throw InputError("after co-registration the overlap holds fewer than 2 x 2 whole LR pixels");
    if (!(inner == Window{0, 0, y.cols, y.rows})) {
      y = y.crop(inner);
      x = x.crop({inner.col * s, inner.row * s, inner.width * s, inner.height * s});
      hrWin = {hrWin.col + inner.col * s, hrWin.row + inner.row * s, inner.width * s, inner.height * s};
      report["hr_window"] = {hrWin.col, hrWin.row, hrWin.width, hrWin.height};
    }
  }
  // Nodata and NaN: invalid values are replaced by their band's mean over the valid pixels (so GSA and the
  // networks see plausible numbers), left out of the adaptation's losses, and written as nodata.
  PixelMask lrValid = validPixels(y, lrDs.info().selectBands(sel.kept));
  const PixelMask msiValid = validPixels(x, msiInfo.selectBands(msiKeep));
  if (fillInvalidWithBandMeans(y, lrValid) == 0)
    throw InputError(o.lrPath + ": no valid pixel in the overlap (all nodata or NaN)");
  if (fillInvalidWithBandMeans(x, msiValid) == 0)
    throw InputError(o.msiPath + ": no valid pixel in the overlap (all nodata or NaN)");
  PixelMask hrValid = msiValid;
  for (int r = 0; r < x.rows; ++r)
    for (int c = 0; c < x.cols; ++c)
      hrValid[static_cast<std::size_t>(r) * x.cols + c] &= lrValid[static_cast<std::size_t>(r / s) * y.cols + c / s];
  const std::size_t lrInvalid = std::count(lrValid.begin(), lrValid.end(), 0), hrInvalid = std::count(hrValid.begin(), hrValid.end(), 0);
  if (lrInvalid == 0) lrValid.clear();
  if (hrInvalid == 0) hrValid.clear();
  report["nodata"] = {{"lr_invalid_pixels", lrInvalid}, {"hr_invalid_pixels", hrInvalid}};
  const float peak = y.peak();
  if (!(peak > 0)) throw InputError(o.lrPath + ": the HSI window holds no signal");
  // Every input check has passed: the messages held back so far can go out.
  checked = true;
  if (log)
    for (const auto& m : pending) log(m);
  y.scale(1.0f / peak);
  if (estimateP) {
    // The MSI blurred like an HSI (MTF-matched Gaussian) and decimated, so the fit compares like with like.
    const ResponseFit fit = estimateResponse(y, blurDownsample(x, mtfGaussian(s), s));
    p = SpectralResponse::fromRows("estimated from the scene", msiNames, fit.p);
    report["srf_estimate"] = {{"relative_residual", fit.relativeResidual}};
    say(fmt::format("srf: P estimated from the scene; relative residual per MSI band {:.3f}", fmt::join(fit.relativeResidual, " ")));
  }
  report["P"] = p.matrix();
  Cube py = projectSpectrally(y, p.matrix()), xl = blockMean(x, s);
  std::vector<double> gains;
  for (int b = 0; b < x.bands; ++b) {
    double sp = 0, sx = 0;
    for (std::size_t i = 0; i < py.planeSize(); ++i) sp += py.band(b)[i], sx += xl.band(b)[i];
    const double gain = sx != 0 ? sp / sx : 1.0;
    gains.push_back(gain);
    for (std::size_t i = 0; i < x.planeSize(); ++i) x.band(b)[i] = static_cast<float>(x.band(b)[i] * gain);
  }
  report["radiometry"] = {{"hsi_divided_by", peak}, {"msi_gains", gains}};

  // Residual misregistration (phase correlation of the MSI and P Y upsampled); --fix-shift moves the HSI.
  if (y.rows * s >= 16 && y.cols * s >= 16) {
    const ShiftEstimate d = estimateShift(x, y, p.matrix(), s);
    report["shift"] = {{"dx_hr_pixels", d.dx}, {"dy_hr_pixels", d.dy}, {"peak", d.peak}, {"corrected", o.fixShift}};
    say(fmt::format("shift: the MSI is the HSI moved by ({:.2f}, {:.2f}) HR pixels (peak {:.2f}){}", d.dx, d.dy, d.peak,
                    o.fixShift ? "; corrected" : ""));
    if (o.fixShift)
      y = shifted(y, d.dx / s, d.dy / s);
    else if (std::hypot(d.dx, d.dy) > 0.5)
      say("Warning: the inputs are misregistered by more than half an HR pixel; --fix-shift corrects it");
  }
  report["seconds"]["read"] = seconds(t0);
  if (progress) progress(0.1, "read");

  // 4. The method, its tiles streamed into the output: on the MSI grid, in the HSI's units, with the HSI's bands
  // and metadata.
  RasterInfo layout = hsi;
  layout.width = hrWin.width;
  layout.height = hrWin.height;
  layout.crsWkt = msiInfo.crsWkt;
  layout.geotransform = msiInfo.geotransform;
  if (layout.geotransform) {
    auto& g = *layout.geotransform;
    g[0] += hrWin.col * g[1] + hrWin.row * g[2];
    g[3] += hrWin.col * g[4] + hrWin.row * g[5];
  }
  layout.metadata[""].emplace_back("hsifuse_method", o.method);
  float nodataValue = 0;
  if (!hrValid.empty()) {
    // Pixels without valid input are written as nodata: the HSI's own value, else NaN (0 for integer types).
    const std::optional<double> own = hsi.bands.empty() ? std::nullopt : hsi.bands[0].nodata;
    const bool floating = o.write.outputType == "Float32" || o.write.outputType == "Float64";
    const double value = own ? *own : (floating ? std::nan("") : 0.0);
    for (BandInfo& b : layout.bands) b.nodata = value;
    nodataValue = static_cast<float>(value);
  }
  t0 = Clock::now();
  RasterWriter writer(o.outPath, layout, o.write);
  OutputTiles tiles{writer, peak, hrValid, nodataValue, hrWin.width, Window{}, Cube(), {}, Cube()};
  if (!o.reportPath.empty()) {
    tiles.qualityWindow = centralWindow(hrWin.height, hrWin.width, s, memory.qualityPixels);
  }
  if (!o.quicklookPath.empty()) {
    tiles.rgb = quicklookBands(hsi.spectralBands(), hsi.bandCount());
    tiles.rgbBands = Cube(3, hrWin.height, hrWin.width);
  }
  const std::string stagePath =
      (fs::path(o.outPath).parent_path() / fmt::format(".{}.hsifuse-stage1-{}.tif", fs::path(o.outPath).filename().string(), ::getpid()))
          .string();
  const MethodOutcome outcome = runMethod(o, chosen, y, x, p.matrix(), s, tile, lrValid, hrValid, stagePath, tiles.sink(), progress);
  const std::optional<BlurKernel> estimatedKernel = outcome.kernel;
  for (const auto& [key, value] : outcome.report.items()) report[key] = value;
  for (const auto& [stage, secs] : outcome.seconds) report["seconds"][stage] = secs;
  report["method"] = o.method;
  if (progress) progress(0.9, o.method);
  t0 = Clock::now();
  writer.commit();
  report["seconds"]["write"] = seconds(t0);
  // All or nothing: OUTPUT is in place, so a side output or the report that fails from here on (a full disk, a
  // stop request) takes OUTPUT and the side outputs already written with it; exit 1 leaves nothing.
  FilesToRemoveOnFailure written;
  written.add(o.outPath);

  // 5. Quality without reference, for the report: on the whole output, or on its central window when the
  // output is larger than the memory budget allows for it.
  if (!o.reportPath.empty()) {
    t0 = Clock::now();
    std::string line;
    const Window& q = tiles.qualityWindow;
    const Window qLr{q.col / s, q.row / s, q.width / s, q.height / s};
    PixelMask qValid;
    if (!hrValid.empty())
      for (int r = 0; r < q.height; ++r)
        for (int c = 0; c < q.width; ++c) qValid.push_back(hrValid[static_cast<std::size_t>(q.row + r) * hrWin.width + q.col + c]);
    report["quality"] = qualitySection(tiles.quality, y.crop(qLr), x.crop(q), s, hsi, qValid, estimatedKernel, line, progress);
    report["quality"]["window"] = {q.col, q.row, q.width, q.height};
    if (!(q == Window{0, 0, hrWin.width, hrWin.height})) line += fmt::format(" (on the central {} x {} HR pixels)", q.width, q.height);
    tiles.quality = Cube();
    report["seconds"]["quality"] = seconds(t0);
    say(line);
  }

  // 6. The side outputs.
  if (!o.quicklookPath.empty()) {
    report["quicklook"] = writeQuicklook(tiles.rgbBands, tiles.rgb, hsi, layout, o.quicklookPath, o.write.overwrite);
    written.add(o.quicklookPath);
  }
  if (!o.kernelOutPath.empty() && estimatedKernel) {
    writeTextFileAtomically(o.kernelOutPath, estimatedKernel->toCsv(), o.write.overwrite, "--kernel-out");
    written.add(o.kernelOutPath);
    report["kernel_csv"] = o.kernelOutPath;
  }
  if (!o.kernelPngPath.empty() && estimatedKernel) {
    const Cube picture = kernelPicture(*estimatedKernel);
    RasterInfo layout;
    layout.width = picture.cols;
    layout.height = picture.rows;
    layout.bands.resize(1);
    layout.bands[0].dataType = "Byte";
    layout.bands[0].description = "blur kernel (largest tap = 255)";
    writeBytePng(o.kernelPngPath, layout, picture, o.write.overwrite);
    written.add(o.kernelPngPath);
    report["kernel_png"] = o.kernelPngPath;
  }
  report["seconds"]["total"] = seconds(start);
  report["output"] = o.outPath;
  report["device"] = o.device;
  report["threads"] = torchThreads();
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) == 0) report["peak_rss_mb"] = usage.ru_maxrss * 1024.0 / 1e6;  // Linux: KiB; MB as --ram
  if (progress) progress(1.0, "write");
  const std::string text = report.dump(2) + "\n";
  if (!o.reportPath.empty() && o.reportPath != "-") writeTextFileAtomically(o.reportPath, text, o.write.overwrite, "--report");
  written.keep();
  return text;
}

}  // namespace hsifuse
