#include "pipeline/FusionJob.h"

#include <fmt/format.h>
#include <sys/resource.h>

#include <chrono>

#include "lib/core/FileChecksum.h"
#include "lib/core/MemoryCeiling.h"
#include "models/TorchRuntime.h"
#include "pipeline/AdaptationFolder.h"
#include "pipeline/FuseOutput.h"
#include "pipeline/FuseStages.h"
#include "pipeline/Provenance.h"
#include "pipeline/Stopwatch.h"

namespace hsifuse {
namespace {

using nlohmann::json;
// The report's description of the grids paired in stage 2.
void reportGrids(const GridPairing& grid, json& report, FuseLog& log) {
  const Window &lr = grid.lrWin, &hr = grid.hrWin;
  report["grids"] = grid.grids;
  if (!grid.note.empty()) log.say(grid.note);
  report["scale"] = grid.scale;
  report["lr_window"] = {lr.col, lr.row, lr.width, lr.height};
  report["hr_window"] = {hr.col, hr.row, hr.width, hr.height};
  log.say(fmt::format("grid: scale {}, {} x {} LR pixels -> {} x {} HR pixels", grid.scale, lr.width, lr.height,
                      hr.width, hr.height));
}

// --save-adaptation: what `hsi-fuse apply` needs to compute any block of this output (pipeline/AdaptationFolder.h).
void saveForApply(const FuseOptions& o, const FuseInputs& in, const MsiResponse& response, const FuseScene& scene,
                  const FirstStage& first, const ChosenModel& chosen, const SceneRun& run, int tile, json& report) {
  AdaptationManifest m;
  m.hsifuseVersion = HSIFUSE_VERSION_STRING;
  m.method = o.method;
  for (const auto& [path, option] :
       {std::pair{o.lrPath, "LR_HSI"}, std::pair{o.msiPath, "HR_MSI"}, std::pair{o.wavelengths, "--wavelengths"}})
    if (!path.empty()) m.inputs.push_back({option, path, checksumFile(path)});
  m.scale = scene.scale;
  m.assumeAligned = o.assumeAligned;
  m.resampling = o.resampling;
  m.fixShift = o.fixShift;
  m.fitAreaLr = o.fitAreaLr;
  m.maskClouds = o.maskClouds;
  m.lrNodata = o.lrNodata;
  m.msiNodata = o.msiNodata;
  m.shift = scene.shift;
  m.lrWindow = in.grid.lrWin;
  m.hrWindow = scene.hrWin;
  m.area = areaOfInterest(o, in.msi.info());
  m.hsiBands = in.hsiSelection.kept;
  m.msiBands = response.msiKeep;
  m.msiNames = response.msiNames;
  m.p = scene.p;
  m.peak = scene.peak;
  m.gains = scene.gains;
  m.gainCorrection = scene.gainCorrection;
  m.stage1 = first.name;
  m.mtf = first.mtf;
  m.blend = first.blend;
  m.fusionModule = first.moduleApplied;
  m.fusionModuleSource = first.moduleApplied ? chosen.path : "";
  m.tile = tile;
  m.kernel = run.kernel ? *run.kernel : BlurKernel{};
  m.stepsKept = report.contains("adaptation") ? report["adaptation"].value("kept_step", 0) : 0;
  m.adapted = run.adapted != nullptr;
  saveAdaptationFolder(o.saveAdaptation, m, run.adapted.get(), first.moduleApplied ? &*chosen.model : nullptr);
  report["saved_adaptation"] = o.saveAdaptation;
}

// OUTPUT committed, then what is computed from it and written beside it. All or nothing: from here on a side output or
// the report that fails (a full disk, a stop request) takes OUTPUT and the side outputs already written with it.
void finishOutput(const FuseOptions& o, OutputTiles& tiles, const FuseScene& scene, const RasterInfo& hsi,
                  const RasterInfo& layout, const std::optional<BlurKernel>& kernel, FilesToRemoveOnFailure& written,
                  json& report, FuseLog& log, const ProgressFn& progress) {
  auto t0 = Clock::now();
  tiles.commit();
  report["seconds"]["write"] = secondsSince(t0);
  written.add(o.outPath);
  if (!o.reportPath.empty()) {
    // Quality without reference: on the whole output, or on the central window the memory budget allows.
    t0 = Clock::now();
    std::string line;
    report["quality"] = qualitySection(tiles.takeQuality(), tiles.qualityWindow(), scene, hsi, kernel, line, progress);
    report["seconds"]["quality"] = secondsSince(t0);
    log.say(line);
  }
  writeSideOutputs(o, tiles, hsi, layout, kernel, written, report);
}

// What the run cost, at its end.
void reportRun(const FuseOptions& o, Clock::time_point start, json& report) {
  report["seconds"]["total"] = secondsSince(start);
  report["output"] = o.outPath;
  report["device"] = o.device;
  report["threads"] = torchThreads();
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) == 0)
    report["peak_rss_mb"] = usage.ru_maxrss * 1024.0 / 1e6;  // Linux: KiB; MB as --ram
}

// What fuse took from a Sentinel-2 product, and how it turned DNs into reflectance.
json sentinel2Report(const Sentinel2Product& p, const RasterInfo& msi) {
  json bands = json::array();
  for (const BandInfo& b : msi.bands)
    for (const Sentinel2BandFile& f : p.bands)
      if (f.name == b.description)
        bands.push_back({{"name", f.name}, {"file", f.path}, {"offset_dn", f.offset}, {"native_m", f.resolutionM}});
  return {{"metadata", p.metadataPath},
          {"level", p.level},
          {"spacecraft", p.spacecraft},
          {"processing_baseline", p.baseline},
          {"quantification", p.quantification},
          {"nodata_dn", p.nodataDn},
          {"bands", bands}};
}

}  // namespace

std::string runFusionJob(const FuseOptions& o, const ProgressFn& progress, const LogFn& logFn) {
  const auto start = Clock::now();
  json report;
  FuseLog log(logFn);
  const FuseMethod method = checkFuseOptions(o);
  setMemoryCeiling(o.ramMb);  // every read sized from a header is checked against it (or the physical memory)
  FuseInputs in = openInputs(o, start.time_since_epoch().count());
  reportGrids(in.grid, report, log);
  MsiResponse response = buildResponse(o, in, log);
  if (in.sentinel2) report["msi_product"] = sentinel2Report(*in.sentinel2, in.msi.info());
  // The model is found and checked before anything is read.
  ChosenModel chosen = chooseModel(o, method, in.hsi.spectralBands(), response.p.keptBandNames(), in.grid.scale, log);
  const MemoryPlan memory = planFuseMemory(o, method, in, response, chosen, report, log);
  report["bands"] = {{"hsi_kept", in.hsiSelection.kept.size()},
                     {"hsi_dropped", in.hsiSelection.dropped.size()},
                     {"msi", response.p.keptBandNames()}};
  auto t0 = Clock::now();
  FuseScene scene = readScene(o, in, response, report, log);
  report["seconds"]["read"] = secondsSince(t0);
  if (progress) progress(0.1, "read");

  float nodataValue = 0;
  RasterInfo layout = outputLayout(o, in.hsi, in.msi.info(), scene, nodataValue);
  layout.metadata[""].emplace_back(kProvenanceItem, fuseProvenance(o));
  std::optional<OutputTiles> tiles;  // none without OUTPUT (only the adaptation is saved)
  if (!o.outPath.empty()) tiles.emplace(o, layout, scene, memory, nodataValue);
  FirstStage first = prepareFirstStage(o, method, chosen, scene, memory.tile, report, report["seconds"]);
  const WindowSink sink = tiles ? tiles->sink() : [](const Window&, const Cube&) {};
  const SceneRun run = runOnScene(o, method, chosen, first, scene, memory, sink, progress, report, report["seconds"]);
  report["method"] = o.method;
  if (progress) progress(0.9, o.method);
  FilesToRemoveOnFailure written;
  if (tiles) finishOutput(o, *tiles, scene, in.hsi, layout, run.kernel, written, report, log, progress);
  if (!o.saveAdaptation.empty()) {
    saveForApply(o, in, response, scene, first, chosen, run, memory.tile, report);
    written.add(o.saveAdaptation);
  }
  reportRun(o, start, report);
  if (progress) progress(1.0, "write");
  const std::string text = report.dump(2) + "\n";
  if (!o.reportPath.empty() && o.reportPath != "-")
    writeTextFileAtomically(o.reportPath, text, o.write.overwrite, "--report");
  written.keep();
  return text;
}

}  // namespace hsifuse
