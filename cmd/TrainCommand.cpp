// hsi-fuse train CUBES... --out MODEL.safetensors: supervised pretraining of UAL's fusion module on real cubes.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "cmd/Command.h"
#include "cmd/CommonOptions.h"
#include "geo/BandSubset.h"
#include "geo/RasterDataset.h"
#include "lib/core/AtomicOutput.h"
#include "lib/spectral/BandSelection.h"
#include "lib/spatial/Degradation.h"
#include "lib/core/Error.h"
#include "lib/spectral/SpectralResampling.h"
#include "lib/spectral/SpectralResponse.h"
#include "lib/core/Text.h"
#include "models/Pretraining.h"
#include "models/TorchRuntime.h"

namespace hsifuse {
namespace {

struct TrainOptions {
  std::string cubes;  // comma-separated training cubes
  std::string validation;
  std::string out;
  std::string srf;
  std::string bandsLike;
  std::string bandGrid;
  std::string stage1 = "bicubic";
  int scale = 8;
  int width = 32;
  int depth = 3;
  int steps = 3000;
  int batch = 8;
  int patch = 64;
  double lr = 1e-4;
  int decayEvery = 1000;
  int checkpointEvery = 100;
  int validateEvery = 200;
  std::string sigmaRange = "0.5-2";
  std::string sizeRange = "5-15";
  std::string checkpoint;
  bool resume = false;
  int seed = 0;
  DeviceOptions device;
  bool overwrite = false;
  BandFilterOptions filter;
};

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

class TrainCommand : public Command {
 public:
  std::string name() const override { return "train"; }
  std::string summary() const override { return "Pretrain UAL's fusion module on real cubes (supervised, Eq. 3)."; }
  std::string description() const override {
    return "Trains the mutual-guiding fusion module on pairs simulated on the fly from the CUBES (comma-separated "
           "GDAL files with wavelengths, spectrally resampled to the model's bands): random Gaussian blurs, random "
           "noise, flips and rotations, Adam with the learning rate decayed x0.7 every --decay-every steps, L1 loss. "
           "Writes MODEL.safetensors (the weights as data only) and MODEL.safetensors.json (the sidecar: bands, MSI bands, P, scale, training data, command). "
           "A checkpoint is written every --checkpoint-every steps; --resume continues from it.";
  }
  void declare(OptionTable& t) override {
    t.positional("CUBES", &o_.cubes, "Training cubes, comma-separated.")
        .text("out", &o_.out, "MODEL.safetensors", "Output weights, data only (plus MODEL.safetensors.json).")
        .text("srf", &o_.srf, "NAME|CSV", "MSI response (sentinel2a, nikon_d700, ... or a CSV).")
        .text("bands-like", &o_.bandsLike, "FILE", "The model's HSI bands: the (filtered) bands of FILE.")
        .text("band-grid", &o_.bandGrid, "NxA-B", "The model's HSI bands: N bands from A to B nm (31x400-700).")
        .text("validation", &o_.validation, "FILE", "Held-back cube for validation PSNR.")
        .text("stage1", &o_.stage1, "NAME", "What feeds the HSI branch: bicubic (the paper) or gsa.")
        .integer("scale", &o_.scale, "S", "Resolution ratio.").range(1, 100)
        .integer("width", &o_.width, "N", "Convolution width (paper: 64).").range(1, 512)
        .integer("depth", &o_.depth, "M", "Conv blocks per mapping and guidance block (paper: 3).").range(1, 64)
        .integer("steps", &o_.steps, "N", "Training steps.").range(0, 10000000)
        .integer("batch", &o_.batch, "N", "Patches per step.").range(1, 4096)
        .integer("patch", &o_.patch, "PX", "HR patch side (a multiple of the scale).").range(1, 8192)
        .number("lr", &o_.lr, "RATE", "Initial Adam learning rate.").range(0, 1)
        .integer("decay-every", &o_.decayEvery, "N", "Multiply the learning rate by 0.7 every N steps.").range(1, 2147483647)
        .integer("checkpoint-every", &o_.checkpointEvery, "N", "Write the checkpoint every N steps.").range(1, 2147483647)
        .integer("validate-every", &o_.validateEvery, "N", "Report the validation PSNR every N steps.").range(0, 2147483647)
        .text("sigma-range", &o_.sigmaRange, "A-B", "Range of the random Gaussian blur sigma, HR pixels (paper: 0.5-2).")
        .text("kernel-size-range", &o_.sizeRange, "A-B", "Range of the random blur kernel sizes (paper: 5-15).")
        .text("checkpoint", &o_.checkpoint, "FILE", "Checkpoint path (default: MODEL.safetensors.ckpt; data only, like the weights).")
        .flag("resume", 0, &o_.resume, "Continue from the checkpoint.")
        .integer("seed", &o_.seed, "N", "Random seed.").range(0, 2147483647)

        .flag("overwrite", 0, &o_.overwrite, "Replace MODEL.safetensors if it exists.");
    o_.device.declare(t);
    o_.filter.declare(t);
  }
  int run(const CommonOptions& common, const ProgressFn& progress) override {
    if (o_.out.empty()) throw InputError("--out: required (the weights file to write)");
    if (o_.srf.empty()) throw InputError("--srf: required");
    if (o_.bandsLike.empty() == o_.bandGrid.empty()) throw InputError("give exactly one of --bands-like and --band-grid");
    std::vector<NamedPath> inputs{{o_.validation, "--validation"}, {o_.bandsLike, "--bands-like"}, {o_.srf, "--srf"}};
    for (const std::string& c : split(o_.cubes, ',')) inputs.push_back({c, "CUBES"});
    checkOutputs({{o_.out, "--out"}, {o_.out + ".json", "--out (its sidecar)"}}, inputs, o_.overwrite || o_.resume);
    const std::string device = o_.device.apply();

    std::vector<SpectralBand> bands;
    if (!o_.bandsLike.empty()) {
      RasterInfo like = readRasterInfo(o_.bandsLike, OpenOptions{o_.filter.wavelengths});
      like = like.selectBands(selectRasterBands(like, o_.filter.toFilter()).kept);
      like.requireWavelengths("--bands-like");
      bands = like.spectralBands();
    } else {
      bands = parseBandGrid(o_.bandGrid);
    }
    SpectralResponse p = SpectralResponse::fromCurves(ResponseCurves::load(resolveSrf(o_.srf)), bands);
    if (!common.quiet)
      for (const auto& w : p.warnings()) std::cerr << "Warning: " << w << "\n";

    FusionModelInfo info;
    info.width = o_.width;
    info.depth = o_.depth;
    info.scale = o_.scale;
    info.stage1 = o_.stage1;
    info.hsiBands = bands;
    info.msiBands = p.keptBandNames();
    info.p = p.matrix();
    info.version = HSIFUSE_VERSION_STRING;
    std::vector<Cube> cubes;
    for (const auto& path : split(o_.cubes, ',')) {
      cubes.push_back(loadTrainingCube(trim(path), bands));
      // File names, not this machine's paths: the sidecar travels with the weights.
      info.trainingData.push_back(std::filesystem::path(trim(path)).filename().string());
    }
    Cube validation;
    if (!o_.validation.empty()) validation = loadTrainingCube(o_.validation, bands);
    // Every option that shapes the weights, so the run can be repeated from the sidecar alone.
    info.command = fmt::format(
        "hsi-fuse train {}{} --srf {} {} --scale {} --stage1 {} --width {} --depth {} --steps {} --batch {} --patch {} "
        "--lr {} --decay-every {} --sigma-range {} --kernel-size-range {}{} --seed {}",
        o_.cubes, o_.validation.empty() ? "" : " --validation " + o_.validation, o_.srf,
        o_.bandGrid.empty() ? "--bands-like " + o_.bandsLike : "--band-grid " + o_.bandGrid, o_.scale, o_.stage1, o_.width,
        o_.depth, o_.steps, o_.batch, o_.patch, o_.lr, o_.decayEvery, o_.sigmaRange, o_.sizeRange,
        o_.validation.empty() ? "" : " --validate-every " + std::to_string(o_.validateEvery), o_.seed);

    FusionModel model(info, static_cast<std::uint64_t>(o_.seed));
    PretrainOptions t;
    t.steps = o_.steps;
    t.batch = o_.batch;
    t.patch = o_.patch;
    t.learningRate = o_.lr;
    t.decayEvery = o_.decayEvery;
    t.checkpointEvery = o_.checkpointEvery;
    t.validateEvery = o_.validateEvery;
    const auto sig = parseWavelengthRanges(o_.sigmaRange, "--sigma-range").at(0);
    const auto size = parseIndexRanges(o_.sizeRange, "--kernel-size-range").at(0);
    if (!(sig.loNm > 0)) throw InputError("--sigma-range: sigma must be positive");
    t.sigmaMin = sig.loNm;
    t.sigmaMax = sig.hiNm;
    t.kernelSizeMin = size.first;
    t.kernelSizeMax = size.last;
    t.checkpoint = o_.checkpoint.empty() ? o_.out + ".ckpt" : o_.checkpoint;
    t.resume = o_.resume;
    t.seed = static_cast<std::uint64_t>(o_.seed);
    t.device = device;
    const LogFn log = common.log();
    pretrainFusion(model, cubes, validation, t, progress, log);
    model.save(o_.out, true);
    if (!common.quiet)
      std::cerr << fmt::format("wrote {} ({} steps; validation {:.3f} dB, stage 1 alone {:.3f} dB)\n", o_.out,
                               model.info().steps, model.info().validationPsnr, model.info().validationPsnrStage1);
    return 0;
  }

 private:
  TrainOptions o_;
};

}  // namespace

std::unique_ptr<Command> makeTrainCommand() { return std::make_unique<TrainCommand>(); }

}  // namespace hsifuse
