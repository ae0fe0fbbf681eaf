#pragma once
// `hsi-fuse train`: UAL's fusion module pretrained on real cubes (supervised, Eq. 3 of the paper), on pairs simulated
// on the fly; writes the weights (data only) and their sidecar. Resumable from its checkpoint.
#include <string>

#include "lib/core/Progress.h"
#include "lib/spectral/BandSelection.h"

namespace hsifuse {

struct TrainOptions {
  std::string cubes;  // comma-separated training cubes
  std::string validation;
  std::string out;
  std::string srf;
  std::string bandsLike;  // the model's HSI bands: the (filtered) bands of this file
  std::string bandGrid;   // or N bands from A to B nm
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
  std::string augment = "wide";      // wide (issue #12) or paper (the paper's Gaussian-only degradations)
  std::string sigmaRange = "0.5-2";  // paper
  std::string sizeRange = "5-15";    // paper
  std::string snrRange;              // LR noise, dB; "" = 30-40 (paper) or 25-45 (wide)
  std::string kernelFamilies = "gaussian,anisotropic,disk,motion";  // wide
  std::string checkpoint;                                           // "" = OUT.ckpt
  bool resume = false;
  int seed = 0;
  bool overwrite = false;
  std::string device = "cpu";
  BandFilter bands;         // applied to --bands-like
  std::string wavelengths;  // --wavelengths for --bands-like
};

struct TrainReport {
  int steps = 0;
  double validationPsnr = 0, validationPsnrStage1 = 0;
};

TrainReport trainFusionModule(const TrainOptions& options, const ProgressFn& progress = {}, const LogFn& log = {});

}  // namespace hsifuse
