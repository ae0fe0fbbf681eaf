#pragma once
// UAL's unsupervised, per-scene stage (paper Eq. 4), behind a Torch-free interface: the first-stage
// estimate Z~ is frozen; the adaptation module (Z^ = Z~ + A(Z~)) and the degeneration net (one k x k
// kernel, stride s) are learned from the scene's own observations with
//   L = |D(Z^) - Y|_1 + |P Z^ - X|_1   (means).
// On a CPU a whole-scene step is slow (about 2 s at 512x512), so each step uses randomly sampled
// patches aligned to s, with margins so that the degeneration net sees whole LR pixels and the
// convolutions see real neighbours (replicate padding only at the scene border).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lib/core/Cube.h"
#include "lib/core/Progress.h"
#include "lib/core/WindowSource.h"
#include "lib/spatial/BlurKernel.h"
#include "models/AdaptedModule.h"

namespace hsifuse {

// Pixels of context one output pixel of a UAL network of depth M depends on, per side: M mapping 3x3 convs, M guidance
// 3x3 convs and the output conv (the fusion and the adaptation module alike).
inline constexpr int receptiveRadiusOfDepth(int depth) {
  return 2 * depth + 1;
}

}  // namespace hsifuse

namespace hsifuse {

// The kernel's least-squares start fits on at most this many HR pixels across the scene's centre (it samples
// 20000 LR pixels anyway); callers budgeting memory count that crop.
inline constexpr int kKernelStartSideHr = 512;

struct AdaptationOptions {
  int steps = 1500;  // the step budget (with visitsPerPixel, its minimum)
  // > 0: the budget grows with the scene's valid area, to at least this many visits of each valid LR pixel by
  // the step patches (issue #15: a fixed 1500 steps visited each pixel of a Hyperion strip ~7 times against ~74 on
  // the HypSen-size scene). Early stopping still ends the run when the validation loss stops improving.
  double visitsPerPixel = 0;
  // Defaults measured with bench/adaptation_probe on the real 48x48x128 Hyperion crop (s = 4, motion
  // kernel, 40 dB, GSA first stage): width 8 / lr 2e-4 / kernel lr 5e-5 gained +0.15 dB in 600 steps and
  // brought the kernel L1 error from 0.93 to 0.70, where width 32 / lr 5e-4 lost 0.5 dB (a small scene
  // has about one observation per parameter at width 32; the paper's CAVE scenes have ~20).
  int width = 8;               // adaptation module width (paper: 64; the authors' code: 31)
  int depth = 3;               // M
  double learningRate = 2e-4;  // paper 9e-5
  double weightDecay = 1e-3;
  double kernelLearningRate = 5e-5;  // paper 1e-4
  double kernelWeightDecay = 1e-5;
  int kernelSize = 0;          // 0: 4 s (32 for s = 8, as in the paper); rounded up to a multiple of s
  double kernelInitSigma = 0;  // 0: s / 2 HR pixels (the Gaussian start)
  bool kernelInitLeastSquares =
      true;                 // start from the least-squares kernel of D(Z~) = Y (lib/spatial/KernelEstimation.h)
  bool learnKernel = true;  // false: the fixed predefined kernel (ablation "fixed-kernel")
  BlurKernel fixedKernel;   // used when !learnKernel (empty: UAL's 8x8, sigma sqrt 3)
  // When learning, the kernel to start from (e.g. lib/spatial/SceneKernel.h's choice); empty: the least-squares start
  // below (or the Gaussian one).
  BlurKernel startKernel;
  // One patch of up to 64 x 64 LR pixels per step (the whole scene when it is smaller): on
  // examples/hypsen (24 x 24 LR) whole-scene steps reached 39.40 dB in 1500 steps where 4 patches of
  // 16 x 16 LR per step stayed at 38.98 dB (fusion-only: 38.99 dB). Callers that know the scale and the band
  // count use defaultPatchLr, which keeps a step's size bounded.
  int patchLr = 64;  // patch side in LR pixels (0: the whole scene each step)
  int patchesPerStep = 1;
  // Best state, not last (issue #12): every validateEvery steps (and at step 0, where Z^ = Z~) the loss is
  // measured on a fixed validation set (the whole scene when a step sees it whole, else up to 4 fixed patches)
  // with no gradient; the weights and kernel of the lowest value are kept and used for the final pass, so the
  // result is never worse than the first stage by the scene's own consistency loss. The run stops when the
  // validation loss has not improved by minImprovement (relative) for `patience` validations. 0: off.
  int validateEvery = 25;
  // 4 validations (100 steps): on the 32 cases of the HypSen grid slice, with the blended first stage, 8 took a
  // median 31 s and 4 took 19 s for -0.008 dB mean; on 16 CAVE-like cases 42 s and 34 s for -0.007 dB
  // (bench/RESULTS.md, "Early stopping after 100 steps").
  int patience = 4;
  // 0.5 %: on held-back cases, 200-step stretches under it moved the truth PSNR by <= 0.005 dB (README).
  double minImprovement = 5e-3;
  // The expected |n| of the LR HSI's noise per value, in the inputs' units (sqrt(2 / pi) times its bands' mean noise
  // sigma; 0: unknown, no such check). The discrepancy principle (Morozov): Y holds that much noise, so a Z^ whose
  // |D(Z^) - Y| on the validation set is down to it has explained all of Y that is signal, and further steps fit the
  // noise. The run stops at the first validation that reaches it, at step 0 when the first stage already does.
  // Measured: native AVIRIS-NG 2016 under a defocus disk at s = 4, 30 dB (6 x 7 LR pixels, 425 bands): |D(Z~) - Y|
  // 0.0095 against a noise level of 0.0100 at step 0, and 1500 steps took the first stage's 44.25 dB to 36.48.
  double lrNoiseL1 = 0;
  // Pixel masks (1 = valid, row-major; empty = all valid): nodata pixels of the LR HSI (lrHsi's grid) and of the
  // HR grid (MSI nodata, or under an invalid LR pixel) are left out of the two loss terms.
  std::vector<std::uint8_t> lrValid, hrValid;
  // Per MSI band, its native pixel over the HR pixel (empty: all 1). A band of ratio r > 1 (a 20 m Sentinel-2 band
  // resampled to 10 m) holds no detail finer than r pixels, so |P Z^ - X| compares that band's r x r block means:
  // P Z^ is not pulled towards its blur.
  std::vector<int> msiNativeRatio;
  // The HR window of the first stage that lrHsi and hrMsi cover, where the steps train (empty: all of it); the final
  // pass covers the whole first stage. A scene too large to hold is adapted on a part of it (fuse --fit-area) and
  // applied to all of it. Not with a fusion module trained in the loop.
  Window trainingArea;
  int tileSize = 0;  // apply the adapted module to Z~ in tiles of this side (0: the whole scene at once)
  // Time-to-quality curves (bench/): every `observeEvery` steps, `observe` gets the step, the seconds spent
  // so far (the observation itself excluded) and the current Z^ of the whole scene, in the inputs' units.
  int observeEvery = 0;
  std::function<void(int, double, const Cube&)> observe;
  // Only for adaptSceneWithFusion (the Table 1 ablations that train the fusion module too).
  double fusionLearningRate = 1e-4;
  double fusionWeightDecay = 0;
  std::uint64_t seed = 0;
  // > 0: LibTorch's intra-op threads during the training steps and validations (restored for the final pass). Their
  // float sums (the convolutions' weight gradients, the losses) are split by thread, so only a fixed count makes the
  // same seed give the same weights on any machine; 1 does at any --num-threads (the final pass, a forward pass, gives
  // the same bytes at any thread count). 0: as set.
  int trainingThreads = 0;
  std::string device = "cpu";
  int logEvery = 10;  // loss history resolution (0: the last step only)
  // false: no final pass (nothing reaches the sink); the adapted module in the result is what the run is for
  // (fuse --save-adaptation without OUTPUT, for `hsi-fuse apply`).
  bool finalPass = true;
};

struct AdaptationResult {
  Cube z;                                                   // Z^, same units as the inputs
  BlurKernel kernel;                                        // the estimated (or fixed) kernel
  std::vector<std::pair<int, double>> lossHistory;          // (step, loss)
  std::vector<std::pair<int, double>> validationHistory;    // (steps done, validation loss); step 0 is Z~
  std::vector<std::pair<int, double>> validationLrHistory;  // (steps done, |D(Z^) - Y|_1 on it, inputs' units)
  int noiseLevelStep = -1;  // the validation whose |D(Z^) - Y|_1 reached lrNoiseL1 (-1: none did)
  int bestStep = 0;         // the steps done when the kept state was reached (0: the first stage itself)
  bool stoppedEarly = false;
  int stepsRun = 0;
  int stepBudget = 0;         // the steps allowed (options.steps, or more by visitsPerPixel)
  double visitsPerPixel = 0;  // the steps run x patch area / the valid LR pixels
  double seconds = 0;
  // The adaptation module with the kept weights, on the CPU: Z^ = adapted->outputSource(Z~) window by window (for
  // the adaptation that trained the fusion module too, Z~ is that module's output with the trained weights).
  std::shared_ptr<AdaptedModule> adapted;
};

// The default patch side in LR pixels: 64, or less where 64 LR pixels would exceed kStepHrValues HR values
// (pixels x bands; 192 x 192 x 128, the HypSen patch) per step, but at least kMinPatchLr. A step's memory and
// time then stay about constant whatever s and the band count (issue #12): a 64-LR patch of a 244-band cube at
// s = 8 was 512 x 512 x 244 HR values, 14 times the HypSen step.
constexpr double kStepHrValues = 192.0 * 192.0 * 128.0;
constexpr int kMinPatchLr = 4;
int defaultPatchLr(int scale, int bands);
// The visits per valid LR pixel that `fuse` asks for by default: what 1500 steps of 64 x 64 LR patches gave on the
// HypSen-size scene (330 x 250 LR pixels), so scenes up to that size keep 1500 steps and larger ones get more.
constexpr double kDefaultVisitsPerPixel = 74.0;
// The step budget for a scene of `validLrPixels` valid LR pixels and steps of `patchLrPixels` LR pixels.
int stepBudget(int steps, double visitsPerPixel, double validLrPixels, double patchLrPixels);

// firstStage: B x H x W; lrHsi: B x H/s x W/s; hrMsi: b x H x W; p: b x B (rows sum to 1).
AdaptationResult adaptScene(const Cube& firstStage, const Cube& lrHsi, const Cube& hrMsi,
                            const std::vector<std::vector<double>>& p, int scale, const AdaptationOptions& options,
                            const ProgressFn& progress = {});

class FusionModel;

// The streaming form, for scenes whose HR cubes do not fit in memory: Z~ is read window by window from
// `firstStage` (patches with their margins, replicate-padded at the scene border), and Z^ leaves through `sink`
// one tile of options.tileSize at a time (result.z stays empty). With `fusion`, `firstStage` is its HSI input
// and the module is trained in the loop, as in adaptSceneWithFusion. The results equal the in-memory forms'.
AdaptationResult adaptSceneStreamed(const WindowSource& firstStage, const Cube& lrHsi, const Cube& hrMsi,
                                    const std::vector<std::vector<double>>& p, int scale,
                                    const AdaptationOptions& options, const WindowSink& sink,
                                    FusionModel* fusion = nullptr, const ProgressFn& progress = {});

// The paper's Table 1 ablations that train the fusion module during the adaptation: the first stage is
// Z~ = fusion(X, base), computed patch by patch inside the graph, and the fusion module's weights are
// updated with the adaptation module's (Adam, options.fusionLearningRate). With a pretrained module this
// is "fine-tuning"; with a new, randomly initialised one it is the "no pretraining" (DIP-like) variant.
// `fusion` holds the updated weights afterwards; `base` is its HSI input (bicubic, GSA, ...).
AdaptationResult adaptSceneWithFusion(FusionModel& fusion, const Cube& base, const Cube& lrHsi, const Cube& hrMsi,
                                      const std::vector<std::vector<double>>& p, int scale,
                                      const AdaptationOptions& options, const ProgressFn& progress = {});

// The degeneration net applied to a cube (for tests and the report): D(Z) with `kernel`, stride s,
// in the space-to-depth form used during adaptation.
Cube degenerate(const Cube& z, const BlurKernel& kernel, int scale);

}  // namespace hsifuse
