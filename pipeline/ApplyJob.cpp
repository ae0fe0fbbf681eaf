#include "pipeline/ApplyJob.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <chrono>
#include <cmath>
#include <map>
#include <optional>

#include "lib/core/AtomicOutput.h"
#include "lib/core/Error.h"
#include "lib/core/Text.h"
#include "lib/spatial/TilePlan.h"
#include "models/AdaptedModule.h"
#include "models/FusionModel.h"
#include "pipeline/AdaptationFolder.h"
#include "pipeline/FuseOutput.h"
#include "pipeline/FuseStages.h"

namespace hsifuse {
namespace {

// The first stage served on fuse's own tiles: every window is assembled from whole tiles of `source`, each computed
// once, so its values are those fuse wrote to its stage file. Reads come in rows of tiles, top to bottom; tiles
// wholly above a read are dropped, so memory follows a few rows of tiles.
class StageTiles {
 public:
  StageTiles(WindowSource source, int tile, int scale)
      : source_(std::move(source)), plan_(source_.rows, source_.cols, std::max(tile, scale), 0, scale) {}
  WindowSource windows() {
    return {source_.bands, source_.rows, source_.cols, [this](const Window& w) { return read(w); }};
  }

 private:
  Cube read(const Window& w) {
    const auto& tiles = plan_.tiles();
    for (auto it = cache_.begin(); it != cache_.end();)
      it = tiles[it->first].core.row + tiles[it->first].core.height <= w.row ? cache_.erase(it) : std::next(it);
    Cube out(source_.bands, w.height, w.width);
    for (std::size_t i = 0; i < tiles.size(); ++i) {
      const Window& c = tiles[i].core;
      if (c.col >= w.col + w.width || w.col >= c.col + c.width || c.row >= w.row + w.height ||
          w.row >= c.row + c.height)
        continue;
      auto found = cache_.find(i);
      if (found == cache_.end()) found = cache_.emplace(i, source_.read(c)).first;
      pasteOverlap(found->second, c, out, w);
    }
    return out;
  }

  WindowSource source_;
  TilePlan plan_;
  std::map<std::size_t, Cube> cache_;
};

// The inputs must be the files the adaptation was made on, whatever their names now.
void checkSameInputs(const AdaptationManifest& m, const ApplyOptions& o) {
  for (const SavedInput& saved : m.inputs) {
    const std::string path = saved.option == "LR_HSI" ? o.lrPath : saved.option == "HR_MSI" ? o.msiPath : saved.path;
    const FileChecksum now = checksumFile(path);
    if (!(now == saved.checksum))
      throw InputError(
          fmt::format("{}: {} is not the file the adaptation in {} was made on ({} bytes, FNV-1a {}; it "
                      "was {} bytes, {}): apply needs the same inputs as fuse",
                      saved.option, path, o.dir, now.bytes, now.fnv1a64, saved.checksum.bytes, saved.checksum.fnv1a64));
  }
}

// fuse's options as far as they shape the grids, the bands and the read.
FuseOptions fuseOptionsFor(const AdaptationManifest& m, const ApplyOptions& o) {
  FuseOptions f;
  f.lrPath = o.lrPath;
  f.msiPath = o.msiPath;
  f.outPath = o.outPath;
  for (const SavedInput& saved : m.inputs)
    if (saved.option == "--wavelengths") f.wavelengths = saved.path;
  for (int b : m.hsiBands) f.bands.keep.push_back({b + 1, b + 1});
  // A Sentinel-2 product is read through a VRT of the bands fuse took, by name.
  if (sentinel2MetadataFile(o.msiPath)) f.msiBands = fmt::format("{}", fmt::join(m.msiNames, ","));
  f.method = m.method;
  f.scale = m.scale;
  f.assumeAligned = m.assumeAligned;
  f.resampling = m.resampling;
  f.fixShift = m.fixShift;
  f.fitAreaLr = m.fitAreaLr;
  f.maskClouds = m.maskClouds;
  f.lrNodata = m.lrNodata;
  f.msiNodata = m.msiNodata;
  if (m.area) f.srcWindow = {double(m.area->col), double(m.area->row), double(m.area->width), double(m.area->height)};
  f.device = o.device;
  f.write = o.write;
  f.scaleTo = o.scaleTo;
  return f;
}

bool near(double a, double b) {
  return std::fabs(a - b) <= 1e-6 * std::max(std::fabs(a), std::fabs(b));
}

// The scene read as fuse read it; anything that differs from the manifest means it would not be the same output.
FuseScene readSavedScene(const AdaptationManifest& m, const FuseOptions& f, FuseInputs& in, FuseLog& log) {
  if (in.grid.scale != m.scale || !(in.grid.lrWin == m.lrWindow))
    throw InputError("the inputs pair differently from when the adaptation was made (scale or LR window)");
  MsiResponse r{m.msiBands, m.msiNames, SpectralResponse::fromRows("the saved adaptation", m.msiNames, m.p), false};
  nlohmann::json report;
  // The shift fuse estimated (in the manifest unless the scene was too small to estimate one): not estimated again
  // for every block (a whole-scene phase correlation).
  FuseScene scene = readScene(f, in, r, report, log, m.shift);
  bool same = scene.hrWin == m.hrWindow && near(scene.peak, m.peak) && scene.gains.size() == m.gains.size();
  for (std::size_t b = 0; same && b < m.gains.size(); ++b) same = near(scene.gains[b], m.gains[b]);
  if (!same) throw InputError("the inputs read differently from when the adaptation was made (window or scaling)");
  if (!m.gainCorrection.empty()) scene.correctMsiGains(m.gainCorrection);
  return scene;
}

// Block `block` of `blocks`: whole rows of the final pass's tiles, split as evenly as they go.
Window blockWindow(const TilePlan& plan, int block, int blocks) {
  std::vector<std::pair<int, int>> rows;  // (first row, height) of each row of tiles
  for (const Tile& t : plan.tiles())
    if (rows.empty() || rows.back().first != t.core.row) rows.emplace_back(t.core.row, t.core.height);
  const int n = static_cast<int>(rows.size());
  if (blocks > n)
    throw InputError(
        fmt::format("--block {}/{}: the output has {} row(s) of tiles, so at most {} blocks", block, blocks, n, n));
  const int first = (block - 1) * n / blocks, last = block * n / blocks;  // [first, last)
  const int r0 = rows[first].first, r1 = rows[last - 1].first + rows[last - 1].second;
  return {0, r0, plan.cols(), r1 - r0};
}

// The output's layout (as fuse writes it) cut to `block`.
RasterInfo blockLayout(RasterInfo layout, const Window& block) {
  layout.width = block.width;
  layout.height = block.height;
  layout.moveOriginTo(block.col, block.row);
  return layout;
}

}  // namespace

std::pair<int, int> parseBlock(const std::string& text) {
  const std::vector<std::string> parts = split(text, '/');
  int i = 0, n = 0;
  try {
    if (parts.size() != 2) throw std::invalid_argument(text);
    std::size_t a = 0, b = 0;
    i = std::stoi(parts[0], &a);
    n = std::stoi(parts[1], &b);
    if (a != parts[0].size() || b != parts[1].size()) throw std::invalid_argument(text);
  } catch (const std::exception&) {
    throw InputError(fmt::format("--block: '{}' is not I/N (block I of N, e.g. 2/8)", text));
  }
  if (n < 1 || i < 1 || i > n) throw InputError(fmt::format("--block: '{}' needs 1 <= I <= N", text));
  return {i, n};
}

ApplyReport applyAdaptation(const ApplyOptions& o, const ProgressFn& progress, const LogFn& logFn) {
  ApplyReport report;
  std::tie(report.block, report.blocks) = parseBlock(o.block);
  const AdaptationManifest m = loadAdaptationManifest(o.dir);
  const std::string adaptedPath = adaptationFile(o.dir, "adaptation.safetensors"),
                    fusionPath = adaptationFile(o.dir, "fusion.safetensors");
  checkOutputs({{o.outPath, "OUTPUT"}},
               {{o.lrPath, "LR_HSI"},
                {o.msiPath, "HR_MSI"},
                {adaptationFile(o.dir, kAdaptationManifest), "DIR"},
                {adaptedPath, "DIR"},
                {fusionPath, "DIR"},
                {fusionPath + ".json", "DIR"}},
               o.write.overwrite);
  // The block is known from the manifest alone: a --block that does not exist is refused before any work.
  const TilePlan plan(m.hrWindow.height, m.hrWindow.width, m.tile, 0, m.scale);
  report.window = blockWindow(plan, report.block, report.blocks);
  checkSameInputs(m, o);
  const FuseOptions f = fuseOptionsFor(m, o);
  FuseLog log(logFn);
  FuseInputs in = openInputs(f, std::chrono::steady_clock::now().time_since_epoch().count());
  const FuseScene scene = readSavedScene(m, f, in, log);
  std::optional<FusionModel> module;
  if (m.fusionModule) module = FusionModel::load(fusionPath);
  FirstStage first;
  first.name = m.stage1;
  first.mtf = m.mtf;
  first.blend = m.blend;
  attachFirstStageSources(first, scene, module ? &*module : nullptr, o.device);
  StageTiles stage(first.source, m.tile, m.scale);
  std::optional<AdaptedModule> adapted;  // none for the classical methods: their first stage is the output
  if (m.adapted) adapted = AdaptedModule::load(adaptedPath);
  if (adapted && adapted->bands() != scene.lr.bands)
    throw InputError(adaptedPath + ": made for another number of HSI bands");
  const WindowSource z =
      skippingEmptyWindows(adapted ? adapted->outputSource(stage.windows(), o.device) : first.source, scene.hrValid);

  float nodataValue = 0;
  const RasterInfo layout = blockLayout(outputLayout(f, in.hsi, in.msi.info(), scene, nodataValue), report.window);
  OutputTiles tiles(f, layout, scene, nodataValue, report.window, m.tile);
  const WindowSink sink = tiles.sink();
  std::vector<Window> cores;
  for (const Tile& t : plan.tiles())
    if (t.core.row >= report.window.row && t.core.row < report.window.row + report.window.height)
      cores.push_back(t.core);
  for (std::size_t i = 0; i < cores.size(); ++i) {
    sink(cores[i], z.read(cores[i]));
    if (progress && !progress(double(i + 1) / cores.size(), "apply")) throw Interrupted();
  }
  tiles.commit();
  report.tiles = static_cast<int>(cores.size());
  return report;
}

}  // namespace hsifuse
