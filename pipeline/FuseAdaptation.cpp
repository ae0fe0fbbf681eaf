// Stage 8 of fuse (pipeline/FuseStages.h): the first stage streamed out, or written once and adapted to the scene.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>

#include "lib/core/Error.h"
#include "lib/spatial/KernelEstimation.h"
#include "lib/spatial/TilePlan.h"
#include "lib/spectral/BandNoise.h"
#include "models/Adaptation.h"
#include "pipeline/FuseStages.h"
#include "pipeline/SceneChoices.h"
#include "pipeline/Stopwatch.h"

namespace fs = std::filesystem;

namespace hsifuse {
namespace {

using nlohmann::json;
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

// The progress stage that computing the first stage reports.
std::string stageName(const FirstStage& first) {
  return first.moduleApplied ? "fusion" : first.name;
}

// The first stage computed once into a temporary GeoTIFF beside OUTPUT, for the adaptation to read by patches.
// The returned dataset keeps the file open after its name is removed: even a run killed during the adaptation
// (SIGKILL, no destructors) then leaves no scene-sized file behind.
RasterDataset writeStageFile(const FuseOptions& o, const FirstStage& first, int tile, int s,
                             const ProgressFn& progress) {
  const WindowSource& stage = first.source;
  // Beside OUTPUT, or beside the adaptation's folder when only that is written.
  std::string besides = o.outPath.empty() ? o.saveAdaptation : o.outPath;
  while (besides.size() > 1 && besides.back() == '/') besides.pop_back();
  const fs::path out(besides);
  TemporaryFile file(
      (out.parent_path() / fmt::format(".{}.hsifuse-stage1-{}.tif", out.filename().string(), ::getpid())).string());
  try {
    RasterInfo layout;
    layout.width = stage.cols;
    layout.height = stage.rows;
    layout.bands.resize(stage.bands);
    for (BandInfo& b : layout.bands) b.dataType = "Float32";
    WriteOptions w;
    w.creationOptions = {"TILED=YES",        "BLOCKXSIZE=128", "BLOCKYSIZE=128", "INTERLEAVE=BAND",
                         "BIGTIFF=IF_SAFER", "COMPRESS=NONE"};  // read back by patches: no decompression
    w.overwrite = true;                                         // our own temporary name
    RasterWriter writer(file.path(), layout, w);
    streamTiles(
        stage, tile, s, [&](const Window& win, const Cube& z) { writer.writeWindow(win, z); }, progress,
        stageName(first));
    writer.commit();
  } catch (const Interrupted&) {
    throw;
  } catch (const InputError&) {
    throw;
  } catch (const Error& e) {
    // The user named OUTPUT, not this file: say where it goes and how big it is.
    throw Error(
        fmt::format("{}: cannot write the temporary first stage beside it ({:.1f} MB, Float32): {}; free space in "
                    "that folder or write OUTPUT elsewhere",
                    o.outPath, 4.0 * stage.bands * double(stage.rows) * stage.cols / 1e6, e.what()));
  }
  return RasterDataset::open(file.path());
}

// The adaptation's settings from the options; the kernel it starts from (or keeps) is set by chooseStartKernel.
AdaptationOptions adaptationOptions(const FuseOptions& o, const FuseScene& scene, int tile) {
  AdaptationOptions a;
  if (o.steps >= 0) {
    a.steps = o.steps;  // exactly this budget
  } else {
    a.visitsPerPixel = kDefaultVisitsPerPixel;  // 1500 steps or more, by the valid area
  }
  if (o.adaptLearningRate > 0) a.learningRate = o.adaptLearningRate;
  if (o.kernelLearningRate >= 0) a.kernelLearningRate = o.kernelLearningRate;
  if (o.fusionLearningRate > 0) a.fusionLearningRate = o.fusionLearningRate;
  if (o.adaptWidth > 0) a.width = o.adaptWidth;
  a.patchLr = o.patchLr >= 0 ? o.patchLr : defaultPatchLr(scene.scale, scene.lr.bands);
  a.seed = o.seedValue();
  if (o.reproducible()) a.trainingThreads = 1;  // bit-identical whatever --num-threads (FuseOptions::seed)
  a.tileSize = tile;
  // The steps train on the part of the scene held in memory; the final pass covers all of it.
  a.lrValid = scene.fit->lrValid;
  a.hrValid = scene.fit->hrValid;
  a.msiNativeRatio = scene.msiNativeRatio;
  if (scene.partial()) a.trainingArea = scene.fitHr();
  if (o.steps == 0) a.validateEvery = 0;
  // Y's noise level for the discrepancy check (models/Adaptation.h), on the central 256 x 256 HR pixels at most;
  // --fit-noise turns the check off (the report's lr_noise_l1 is then 0).
  if (!o.fitNoise) {
    const SceneFit& fit = *scene.fit;
    const BandNoise noise = estimateBandNoise(fit.y.crop(kernelFitWindow(fit.y.rows, fit.y.cols, scene.scale, 256)));
    double sigma = 0;
    for (double v : noise.sigma) sigma += v / noise.sigma.size();
    a.lrNoiseL1 = std::sqrt(2.0 / M_PI) * sigma;
  }
  a.device = o.device;
  a.finalPass = !o.outPath.empty();  // without OUTPUT only the adapted module is wanted
  return a;
}

// A kernel the user gives (--kernel SPEC, imposed on the scene kernel) is kept as it is by every method that adapts:
// it is what the user says the sensor's blur is. Otherwise fixed-kernel keeps UAL's predefined 8x8 Gaussian (sigma
// sqrt 3; the paper's Table 1 ablation), and ual learns the kernel (the paper's degeneration net) from the candidate
// with the lowest held-out residual, the least-squares fit of D_k Z~ = Y over all HSI bands (the start used before
// the choice existed) included. Measured on Houston with a motion kernel: keeping a parametric winner fixed lost 9 dB
// to learning.
void chooseStartKernel(const FuseOptions& o, FuseMethod method, FirstStage& first, const FuseScene& scene,
                       AdaptationOptions& a) {
  const int s = scene.scale;
  if (o.kernel != "auto") {
    a.learnKernel = false;
    a.fixedKernel = first.kernel->kernel;
  } else if (method == FuseMethod::FixedKernel) {
    a.learnKernel = false;
  } else {
    // On the central 256 x 256 HR pixels at most: the fit uses 20000 samples, and with a module the crop runs
    // through it whole.
    SceneKernel& k = *first.kernel;
    const SceneFit& fit = *scene.fit;
    const Window lrFit = kernelFitWindow(fit.y.rows, fit.y.cols, s, 256);
    const Cube z = first.source.read(scaledBy(offsetBy(lrFit, fit.lr), s));
    k.offer("least-squares-first-stage", estimateKernelLeastSquares(z, fit.y.crop(lrFit), k.taps, s, 20000, a.seed),
            fmt::format("{} x {} free taps fitted to D_k Z~ = Y (all HSI bands)", k.taps, k.taps), s);
    a.startKernel = k.kernel;
  }
}

json adaptationReport(const AdaptationResult& r, double lrNoiseL1) {
  json hist = json::array(), validation = json::array(), validationLr = json::array();
  for (const auto& [step, loss] : r.lossHistory) hist.push_back({step, loss});
  for (const auto& [step, loss] : r.validationHistory) validation.push_back({step, loss});
  for (const auto& [step, residual] : r.validationLrHistory) validationLr.push_back({step, residual});
  return {{"steps", r.stepsRun},
          {"step_budget", r.stepBudget},
          {"visits_per_pixel", r.visitsPerPixel},
          {"loss_history", hist},
          {"validation_history", validation},
          {"kept_step", r.bestStep},
          {"lr_noise_l1", lrNoiseL1},
          {"noise_level_step", r.noiseLevelStep >= 0 ? json(r.noiseLevelStep) : json(nullptr)},
          {"validation_lr_history", validationLr},
          {"stopped_early", r.stoppedEarly},
          {"kernel_size", r.kernel.rows},
          {"kernel", r.kernel.w}};
}

}  // namespace

WindowSource skippingEmptyWindows(const WindowSource& source, const PixelMask& hrValid) {
  if (hrValid.empty()) return source;
  return {source.bands, source.rows, source.cols, [source, &hrValid](const Window& w) {
            return allInvalid(hrValid, source.cols, w) ? Cube(source.bands, w.height, w.width) : source.read(w);
          }};
}

SceneRun runOnScene(const FuseOptions& o, FuseMethod method, ChosenModel& chosen, FirstStage& first,
                    const FuseScene& scene, const MemoryPlan& memory, const WindowSink& output,
                    const ProgressFn& progress, json& report, json& seconds) {
  const int s = scene.scale;
  const int tile = memory.tile;
  auto t0 = Clock::now();
  if (isClassical(method) || method == FuseMethod::FusionOnly) {
    const std::string stage = isClassical(method) ? methodName(method) : "fusion";
    streamTiles(skippingEmptyWindows(first.source, scene.hrValid), tile, s, output, scaledProgress(progress, 0.1, 0.9),
                stage);
    seconds[stage] = secondsSince(t0);
    return {};
  }
  // Z~ computed once, then read by patches: in memory when the plan allows, else from a temporary file.
  Cube stageCube;
  std::optional<RasterDataset> stageDs;
  const WindowSource& source = first.source;
  if (memory.stageInMemory) {
    stageCube = Cube(source.bands, source.rows, source.cols);
    streamTiles(source, tile, s, collectInto(stageCube), scaledProgress(progress, 0.1, 0.2), stageName(first));
  } else {
    stageDs.emplace(writeStageFile(o, first, tile, s, scaledProgress(progress, 0.1, 0.2)));
  }
  const WindowSource stage = memory.stageInMemory
                                 ? WindowSource::ofCube(stageCube)
                                 : WindowSource{source.bands, source.rows, source.cols,
                                                [&](const Window& w) { return stageDs->readWindow(w); }};
  seconds["fusion"] = secondsSince(t0);

  t0 = Clock::now();
  AdaptationOptions a = adaptationOptions(o, scene, tile);
  chooseStartKernel(o, method, first, scene, a);
  const bool trainsFusion = method == FuseMethod::Dip || o.finetune;
  const AdaptationResult r =
      adaptSceneStreamed(stage, scene.fit->y, scene.fit->x, scene.p, s, a, output,
                         trainsFusion ? &*chosen.model : nullptr, scaledProgress(progress, 0.2, 0.9));
  // The kept state holds a learned kernel only when it is a later state than the start (step 0 keeps the estimate).
  if (first.kernel) report["kernel_choice"] = kernelReport(*first.kernel, a.learnKernel && r.bestStep > 0);
  report["adaptation"] = adaptationReport(r, a.lrNoiseL1);
  seconds["adaptation"] = secondsSince(t0);
  return {r.kernel, r.adapted};
}

}  // namespace hsifuse
