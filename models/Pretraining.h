#pragma once
// Supervised pretraining of the fusion module (paper Eq. 3, section 4.1): training pairs made on the
// fly from real cubes, patches with flips and rotations, Adam with lr decayed x0.7 every `decayEvery` steps, L1.
// Degradations: the paper's (one random Gaussian blur per batch, size 5..15, sigma in a range, LR noise on three
// batches in four) or wide (issue #12): per sample a kernel of a random family (Gaussian, anisotropic, disk,
// motion; sized by s), LR noise at snrMin..snrMax, MSI noise, a perturbed spectral response, brightness and
// spectral-shape jitter; validated on one degradation of each family.
// Checkpoints every N steps; a run resumes from its checkpoint. Torch-free interface.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lib/core/Cube.h"
#include "lib/core/Progress.h"
#include "lib/spatial/RandomKernel.h"
#include "models/FusionModel.h"

namespace hsifuse {

struct PretrainOptions {
  int steps = 3000;
  int batch = 8;
  int patch = 64;  // HR patch side, a multiple of the scale
  double learningRate = 1e-4;
  double decay = 0.7;
  int decayEvery = 1000;
  int kernelSizeMin = 5, kernelSizeMax = 15;
  double sigmaMin = 0.5, sigmaMax = 2.0;
  double snrMin = 30,
         snrMax = 40;  // dB; a quarter of the batches (paper) or an eighth of the samples (wide) noise-free
  bool wide = false;   // the wide augmentation above instead of the paper's
  std::vector<KernelFamily> families{KernelFamily::Gaussian, KernelFamily::Anisotropic, KernelFamily::Disk,
                                     KernelFamily::Motion};  // wide: the kernel families drawn from
  int checkpointEvery = 100;  // 0: no periodic checkpoint (the final one is still written)
  std::string checkpoint;  // path of the resumable checkpoint ("" = none)
  bool resume = false;
  int validateEvery = 200;
  std::uint64_t seed = 0;
  std::string device = "cpu";
};

// `cubes` are in the model's band set, scaled to about [0, 1]; `validation` may be empty (0 bands).
// Updates model.info() (steps, validation PSNRs). Throws Error/InputError.
void pretrainFusion(FusionModel& model, const std::vector<Cube>& cubes, const Cube& validation,
                    const PretrainOptions& options, const ProgressFn& progress = {}, const LogFn& log = {});

// The model's first-stage input for a degraded pair: bicubic upsampling of Y or GSA.
Cube stageOneEstimate(const std::string& stage1, const Cube& lrHsi, const Cube& hrMsi, int scale);

}  // namespace hsifuse
