#include "pipeline/TrainJob.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "geo/BandSubset.h"
#include "geo/RasterDataset.h"
#include "lib/core/AtomicOutput.h"
#include "lib/core/Error.h"
#include "lib/core/Text.h"
#include "lib/spatial/Degradation.h"
#include "lib/spectral/SpectralResampling.h"
#include "lib/spectral/SpectralResponse.h"
#include "models/FusionModel.h"
#include "models/Pretraining.h"

namespace hsifuse {
namespace {

// A cube in the model's band set, scaled by its maximum (UAL scales by max - min; the maximum keeps
// zero at zero, which the spectral projection X = P Z needs).
Cube loadTrainingCube(const std::string& path, const std::vector<SpectralBand>& bands) {
  RasterDataset ds = RasterDataset::open(path);
  ds.info().requireWavelengths("training (spectral resampling to the model's bands)");
  Cube z = projectSpectrally(ds.read(), resamplingMatrix(ds.info().spectralBands(), bands));
  const float hi = z.peak();
  if (!(hi > 0)) throw InputError(path + ": the cube has no signal");
  z.scale(1.0f / hi);
  for (float& v : z.data) v = std::max(0.0f, v);
  return z;
}

// The model's HSI bands: the filtered bands of --bands-like, or --band-grid.
std::vector<SpectralBand> modelBands(const TrainOptions& o) {
  if (o.bandsLike.empty()) return parseBandGrid(o.bandGrid);
  RasterInfo like = readRasterInfo(o.bandsLike, OpenOptions{o.wavelengths, {}});
  like = like.selectBands(selectRasterBands(like, o.bands).kept);
  like.requireWavelengths("--bands-like");
  return like.spectralBands();
}

// Every option that shapes the weights, so the run can be repeated from the sidecar alone.
std::string commandLine(const TrainOptions& o) {
  return fmt::format(
      "hsi-fuse train {}{} --srf {} {} --scale {} --stage1 {} --width {} --depth {} --steps {} --batch {} --patch {} "
      "--lr {} --decay-every {} --augment {}{}{}{} --seed {}",
      o.cubes, o.validation.empty() ? "" : " --validation " + o.validation, o.srf,
      o.bandGrid.empty() ? "--bands-like " + o.bandsLike : "--band-grid " + o.bandGrid, o.scale, o.stage1, o.width,
      o.depth, o.steps, o.batch, o.patch, o.lr, o.decayEvery, o.augment,
      o.augment == "paper" ? fmt::format(" --sigma-range {} --kernel-size-range {}", o.sigmaRange, o.sizeRange)
                           : " --kernel-families " + o.kernelFamilies,
      o.snrRange.empty() ? "" : " --snr-range " + o.snrRange,
      o.validation.empty() ? "" : " --validate-every " + std::to_string(o.validateEvery), o.seed);
}

PretrainOptions pretrainOptions(const TrainOptions& o) {
  PretrainOptions t;
  t.steps = o.steps;
  t.batch = o.batch;
  t.patch = o.patch;
  t.learningRate = o.lr;
  t.decayEvery = o.decayEvery;
  t.checkpointEvery = o.checkpointEvery;
  t.validateEvery = o.validateEvery;
  const auto sig = parseWavelengthRanges(o.sigmaRange, "--sigma-range").at(0);
  const auto size = parseIndexRanges(o.sizeRange, "--kernel-size-range").at(0);
  if (!(sig.loNm > 0)) throw InputError("--sigma-range: sigma must be positive");
  t.sigmaMin = sig.loNm;
  t.sigmaMax = sig.hiNm;
  t.kernelSizeMin = size.first;
  t.kernelSizeMax = size.last;
  if (o.augment != "paper" && o.augment != "wide")
    throw InputError("--augment: '" + o.augment + "' is neither paper nor wide");
  t.wide = o.augment == "wide";
  if (t.wide) {
    t.snrMin = 25;
    t.snrMax = 45;
    t.families.clear();
    for (const std::string& f : split(o.kernelFamilies, ','))
      t.families.push_back(parseKernelFamily(trim(f), "--kernel-families"));
    if (t.families.empty()) throw InputError("--kernel-families: give at least one family");
  }
  if (!o.snrRange.empty()) {
    const auto snr = parseWavelengthRanges(o.snrRange, "--snr-range").at(0);
    t.snrMin = snr.loNm;
    t.snrMax = snr.hiNm;
  }
  t.checkpoint = o.checkpoint.empty() ? o.out + ".ckpt" : o.checkpoint;
  t.resume = o.resume;
  t.seed = static_cast<std::uint64_t>(o.seed);
  t.device = o.device;
  return t;
}

}  // namespace

TrainReport trainFusionModule(const TrainOptions& o, const ProgressFn& progress, const LogFn& log) {
  if (o.out.empty()) throw InputError("--out: required (the weights file to write)");
  if (o.srf.empty()) throw InputError("--srf: required");
  if (o.bandsLike.empty() == o.bandGrid.empty()) throw InputError("give exactly one of --bands-like and --band-grid");
  std::vector<NamedPath> inputs{{o.validation, "--validation"}, {o.bandsLike, "--bands-like"}, {o.srf, "--srf"}};
  for (const std::string& c : split(o.cubes, ',')) inputs.push_back({c, "CUBES"});
  checkOutputs({{o.out, "--out"}, {o.out + ".json", "--out (its sidecar)"}}, inputs, o.overwrite || o.resume);
  const std::vector<SpectralBand> bands = modelBands(o);
  const SpectralResponse p = SpectralResponse::fromCurves(ResponseCurves::load(resolveSrf(o.srf)), bands);
  if (log)
    for (const auto& w : p.warnings()) log("Warning: " + w);
  FusionModelInfo info;
  info.width = o.width;
  info.depth = o.depth;
  info.scale = o.scale;
  info.stage1 = o.stage1;
  info.hsiBands = bands;
  info.msiBands = p.keptBandNames();
  info.p = p.matrix();
  info.version = HSIFUSE_VERSION_STRING;
  info.command = commandLine(o);
  std::vector<Cube> cubes;
  for (const auto& path : split(o.cubes, ',')) {
    cubes.push_back(loadTrainingCube(trim(path), bands));
    // File names, not this machine's paths: the sidecar travels with the weights.
    info.trainingData.push_back(std::filesystem::path(trim(path)).filename().string());
  }
  Cube validation;
  if (!o.validation.empty()) validation = loadTrainingCube(o.validation, bands);
  const PretrainOptions t = pretrainOptions(o);
  FusionModel model(info, static_cast<std::uint64_t>(o.seed));
  pretrainFusion(model, cubes, validation, t, progress, log);
  model.save(o.out, true);
  return {model.info().steps, model.info().validationPsnr, model.info().validationPsnrStage1};
}

}  // namespace hsifuse
