#pragma once
// Which first stage to trust on a scene with no ground truth (issue #12). Every candidate (a classical fusion,
// a pretrained fusion module) is scored on the scene itself:
//  - reduced resolution (Wald's protocol one level down): the LR HSI and the MSI are degraded once more with the
//    scene's own kernel (lib/spatial/SceneKernel.h), each candidate fuses that pair, and its result is compared with
//    the real LR HSI (PSNR and SAM, on the HSI's scale), at up to 3 x 3 decimation phases (the reduced pixels
//    starting at different LR offsets; the score is the mean error over them). Needs at least kMinReducedSide LR
//    pixels of the reduced pair each way, i.e. an LR scene of kMinReducedSide * s pixels. Degrading Y once more
//    averages its noise down (by the sum of the kernel's squared taps: about 13 dB for a Gaussian at s = 3), which
//    would score the candidates on a far cleaner pair than the scene's; the reduced LR HSI gets back the noise the
//    real one has, per band, as lib/spectral/BandNoise.h estimates it on Y;
//  - full resolution, always: the consistency of the candidate's result with both observations,
//    |D_k Z - Y|^2 and |P Z - X|^2, as one PSNR (the adaptation's own terms, squared).
// Where the scene allows the reduced-resolution check and two or more candidates are marked blendable (the classical
// fusions), one more candidate, "blend", mixes them band by band with convex weights fitted on the reduced pairs
// (lib/fusion/StageBlend.h); it is scored on the same pairs, as the others are.
// The choice is the best reduced-resolution PSNR where the scene allows it. Where it does not, the first candidate:
// callers list them in their order of preference, from held-out evidence. The consistency is reported for every
// candidate but never decides: a candidate can be consistent with both observations by construction (GLP-HS fed the
// scene's own kernel).
// Scoring runs on a central crop of at most kChoiceCropLr LR pixels each way, and the full-resolution consistency
// (which fuses at the HR size) on a central part of it of at most kConsistencyHrValues HR values (pixels x
// bands), so the cost grows neither with the scene nor with s and the band count.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lib/core/Cube.h"
#include "lib/fusion/StageBlend.h"
#include "lib/spatial/BlurKernel.h"
#include "lib/spectral/BandNoise.h"

namespace hsifuse {

inline constexpr int kMinReducedSide = 4;
inline constexpr int kChoiceCropLr = 64;
inline constexpr double kConsistencyHrValues = 192.0 * 192.0 * 128.0;

// The side in LR pixels of the full-resolution consistency crop (at most `cropLr`, at least 1).
int consistencyCropLr(int cropLr, int bands, int scale);
// About how many values (floats) the choice holds at its peak on an LR window of lrRows x lrCols (memory plans).
double choiceWorkingValues(int lrRows, int lrCols, int bands, int msiBands, int scale);

// A candidate fuses an (LR HSI, HR MSI) pair at the scene's scale: y B x h x w, x b x (h s) x (w s), both on the
// normalised scale `fuse` works at; it returns B x (h s) x (w s).
struct StageCandidate {
  std::string name;
  std::function<Cube(const Cube& y, const Cube& x)> fuse;
  bool blendable = false;  // a part of the "blend" candidate (a classical fusion cheap enough to run twice)
};

struct StageScore {
  std::string name;
  double reducedPsnr = 0;  // NaN when the scene is too small for the reduced-resolution check
  double reducedSam = 0;   // degrees
  double consistencyPsnr = 0;
};

struct StageChoice {
  std::string chosen;
  std::string measure;  // "reduced-resolution PSNR", or why the first candidate was taken
  Window lrCrop;        // where the candidates were scored (LR pixels)
  std::vector<StageScore> scores;
  StageBlend blend;   // the "blend" candidate's parts and weights (empty when it was not formed)
  BandNoise lrNoise;  // the LR HSI's noise as estimated on the crop; put back into the reduced pairs
};

// The full-resolution consistency of z with the observations, as a PSNR (peak 1): 10 log10(2 / (mse(D_k z, y) +
// mse(P z, x))).
double consistencyPsnr(const Cube& z, const Cube& y, const Cube& x, const std::vector<std::vector<double>>& p,
                       const BlurKernel& kernel, int scale);

// `seed` makes the noise put back into the reduced pairs reproducible.
StageChoice chooseFirstStage(const std::vector<StageCandidate>& candidates, const Cube& y, const Cube& x,
                             const std::vector<std::vector<double>>& p, const BlurKernel& kernel, int scale,
                             std::uint64_t seed = 0);

}  // namespace hsifuse
