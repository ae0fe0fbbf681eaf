#pragma once
// The blur kernel of a real scene, chosen with no ground truth. The MSI is the HR scene seen through P
// (X = P Z), and the LR HSI is the HR scene blurred by k and decimated (Y = D_k Z), so the MSI blurred by the
// same k and decimated must match P Y: D_k X = P D_k Z = P Y. That relation holds whatever the first stage is,
// so the kernel can be fitted and checked on the inputs alone.
//
// Candidates: fixed kernels (UAL's predefined 8 x 8 Gaussian, the MTF-matched Gaussian) and fitted ones (the
// best isotropic Gaussian, the best anisotropic Gaussian and the best defocus disk, each with its centre fitted within
// half an HR pixel, and a free least-squares kernel of 4 s taps, at most 32, held non-negative, its ridge
// cross-validated inside the training half). The LR pixels are split in two halves (a checkerboard); each fitted
// candidate is fitted on one half and scored on the other and the other way round (two-fold cross-validation), a
// fixed one is scored on every pixel: a free kernel of hundreds of taps fitted on a few hundred LR pixels fits the
// noise, and the held-out residual shows it. The winner (lowest held-out RMSE) is refitted on all pixels.
//
// All residuals are quadratic forms of one design Gram matrix per half (A'A, A'b, b'b over the K x K taps),
// so a candidate costs O(K^4) whatever the scene size.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lib/core/Cube.h"
#include "lib/spatial/BlurKernel.h"

namespace hsifuse {

struct KernelCandidate {
  std::string name;        // "ual8", "mtf-gaussian", "gaussian", "anisotropic-gaussian", "disk", "least-squares"
  BlurKernel kernel;       // as fitted on the training half (fixed kernels: as given)
  double heldOutRmse = 0;  // RMSE of D_k X against P Y on held-out LR pixels, both folds (the inputs' units)
  std::string detail;      // e.g. "sigma 2.1" for the fitted Gaussians
};

struct SceneKernel {
  BlurKernel kernel;  // the winner, refitted on all LR pixels
  std::string name;   // its candidate name
  int taps = 0;       // K, the side of the support every candidate was embedded in
  std::vector<KernelCandidate> candidates;
  // The RMSE on every LR pixel of any other kernel (embedded in the K x K support), e.g. one fitted elsewhere.
  std::function<double(const BlurKernel&)> heldOutRmse;
  // Adds `kernel` as a candidate and makes it the winner when its held-out RMSE is lower; returns whether it won.
  bool offer(const std::string& name, const BlurKernel& kernel, const std::string& detail, int scale);
  // Adds `kernel` (as given, not embedded) as a candidate and makes it the winner whatever its held-out RMSE (NaN
  // when it does not fit the support): a kernel the user knows.
  void impose(const std::string& name, const BlurKernel& kernel, const std::string& detail);
};

// hrMsi: b x H x W; lrProjected: P Y, b x H/s x W/s (same units; the MSI matched to P Y radiometrically).
// lrValid: LR pixels to use (row-major, 1 = valid; empty = all). At most maxSamples (pixel, band) pairs are used.
SceneKernel chooseSceneKernel(const Cube& hrMsi, const Cube& lrProjected, int scale,
                              const std::vector<std::uint8_t>& lrValid = {}, int maxSamples = 8000,
                              std::uint64_t seed = 0);

}  // namespace hsifuse
