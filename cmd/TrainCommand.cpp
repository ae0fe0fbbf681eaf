// hsi-fuse train CUBES --out MODEL.safetensors ...: pretrain the fusion module (pipeline/TrainJob.h).
#include <fmt/format.h>

#include <iostream>

#include "cmd/Command.h"
#include "cmd/CommonOptions.h"
#include "pipeline/TrainJob.h"

namespace hsifuse {
namespace {

// The job's options plus the shared groups parsed into them.
struct TrainCommandOptions {
  TrainOptions job;
  DeviceOptions device;
  BandFilterOptions filter;
};

class TrainCommand : public Command {
 public:
  std::string name() const override { return "train"; }
  std::string summary() const override { return "Pretrain UAL's fusion module on real cubes (supervised, Eq. 3)."; }
  std::string description() const override {
    return "Trains the mutual-guiding fusion module on pairs simulated on the fly from the CUBES (comma-separated "
           "GDAL files with wavelengths, spectrally resampled to the model's bands): random Gaussian blurs, random "
           "noise, flips and rotations, Adam with the learning rate decayed x0.7 every --decay-every steps, L1 loss. "
           "Writes MODEL.safetensors (the weights as data only) and MODEL.safetensors.json (the sidecar: bands, MSI "
           "bands, P, scale, training data, command). "
           "A checkpoint is written every --checkpoint-every steps; --resume continues from it.";
  }
  void declare(OptionTable& t) override {
    t.positional("CUBES", &o_.job.cubes, "Training cubes, comma-separated.")
        .text("out", &o_.job.out, "MODEL.safetensors", "Output weights, data only (plus MODEL.safetensors.json).")
        .text("srf", &o_.job.srf, "NAME|CSV", "MSI response (sentinel2a, nikon_d700, ... or a CSV).")
        .text("bands-like", &o_.job.bandsLike, "FILE", "The model's HSI bands: the (filtered) bands of FILE.")
        .text("band-grid", &o_.job.bandGrid, "NxA-B", "The model's HSI bands: N bands from A to B nm (31x400-700).")
        .text("validation", &o_.job.validation, "FILE", "Held-back cube for validation PSNR.")
        .text("stage1", &o_.job.stage1, "NAME", "What feeds the HSI branch: bicubic (the paper) or gsa.")
        .integer("scale", &o_.job.scale, "S", "Resolution ratio.")
        .range(1, 100)
        .integer("width", &o_.job.width, "N", "Convolution width (paper: 64).")
        .range(1, 512)
        .integer("depth", &o_.job.depth, "M", "Conv blocks per mapping and guidance block (paper: 3).")
        .range(1, 64)
        .integer("steps", &o_.job.steps, "N", "Training steps.")
        .range(0, 10000000)
        .integer("batch", &o_.job.batch, "N", "Patches per step.")
        .range(1, 4096)
        .integer("patch", &o_.job.patch, "PX", "HR patch side (a multiple of the scale).")
        .range(1, 8192)
        .number("lr", &o_.job.lr, "RATE", "Initial Adam learning rate.")
        .range(0, 1)
        .integer("decay-every", &o_.job.decayEvery, "N", "Multiply the learning rate by 0.7 every N steps.")
        .range(1, 2147483647)
        .integer("checkpoint-every", &o_.job.checkpointEvery, "N", "Write the checkpoint every N steps.")
        .range(1, 2147483647)
        .integer("validate-every", &o_.job.validateEvery, "N", "Report the validation PSNR every N steps.")
        .range(0, 2147483647)
        .text("augment", &o_.job.augment, "wide|paper",
              "Degradations of the training pairs: wide (default: per patch a kernel of a random family sized by "
              "the scale, LR noise, MSI noise at 30-45 dB, a perturbed spectral response, brightness and spectral-"
              "shape jitter) or paper (one random Gaussian per batch, LR noise only).")
        .text("kernel-families", &o_.job.kernelFamilies, "LIST",
              "With --augment wide: the kernel families drawn from (gaussian, anisotropic, disk, motion).")
        .text("snr-range", &o_.job.snrRange, "A-B", "LR noise levels, dB (default: 25-45 wide, 30-40 paper).")
        .text("sigma-range", &o_.job.sigmaRange, "A-B",
              "With --augment paper: range of the random Gaussian blur sigma, HR pixels (paper: 0.5-2).")
        .text("kernel-size-range", &o_.job.sizeRange, "A-B",
              "With --augment paper: range of the random blur kernel sizes (paper: 5-15).")
        .text("checkpoint", &o_.job.checkpoint, "FILE",
              "Checkpoint path (default: MODEL.safetensors.ckpt; data only, like the weights).")
        .flag("resume", 0, &o_.job.resume, "Continue from the checkpoint.")
        .integer("seed", &o_.job.seed, "N", "Random seed.")
        .range(0, 2147483647)

        .flag("overwrite", 0, &o_.job.overwrite, "Replace MODEL.safetensors if it exists.");
    o_.device.declare(t);
    o_.filter.declare(t);
  }
  int run(const CommonOptions& common, const ProgressFn& progress) override {
    TrainOptions j = o_.job;
    j.bands = o_.filter.toFilter();
    j.wavelengths = o_.filter.wavelengths;
    j.device = o_.device.apply();
    const TrainReport r = trainFusionModule(j, progress, common.log());
    if (!common.quiet)
      std::cerr << fmt::format("wrote {} ({} steps; validation {:.3f} dB, stage 1 alone {:.3f} dB)\n", j.out, r.steps,
                               r.validationPsnr, r.validationPsnrStage1);
    return 0;
  }

 private:
  TrainCommandOptions o_;
};

}  // namespace

std::unique_ptr<Command> makeTrainCommand() {
  return std::make_unique<TrainCommand>();
}

}  // namespace hsifuse
