#pragma once
// Quality with no reference (QNR family) for hyperspectral-multispectral fusion, as
// ../shared/specs/metrics-and-quality.md section 1.4 adapts it from pansharpening:
//   D_lambda = mean over band pairs i < j of |Q(Z_i, Z_j) - Q(Yu_i, Yu_j)|              (p = 1)
//   D_s      = mean over MSI bands c and all HSI bands i of |Q(Z_i, X_c) - Q(Yu_i, Xu_c)|  (q = 1)
//   QNR      = (1 - D_lambda)(1 - D_s)
//   HQNR     = (1 - D_lambda_K)(1 - D_s), D_lambda_K = 1 - Q2n(Yu, MTF(Z))   (Khan, toolbox variant)
// with Z the fused cube, Yu the LR HSI upsampled to the HR grid, X the HR MSI and Xu the MSI blurred by
// the HSI kernel, decimated by s and upsampled again with the same interpolator (bicubic, our phase).
// Q is the toolbox's block Q over non-overlapping blocks (the ragged border left out).
#include "lib/core/Cube.h"
#include "lib/core/Progress.h"
#include "lib/spatial/BlurKernel.h"

namespace hsifuse {

struct QnrResult {
  double dLambda = 0, dS = 0, qnr = 0;
  double dLambdaKhan = 0, hqnr = 0;
  int blockSize = 0;
};

// The three cubes already on the HR grid: fused Z, upsampled LR Yu, MSI X and its degraded-upsampled Xu.
// `keepGoing` is polled as they go (false: Interrupted).
double spectralDistortion(const Cube& fused, const Cube& lrUpsampled, int blockSize,
                          const std::function<bool()>& keepGoing = {});
double spatialDistortion(const Cube& fused, const Cube& lrUpsampled, const Cube& msi, const Cube& msiDegraded,
                         int blockSize, const std::function<bool()>& keepGoing = {});

// Everything from the fused cube, the LR HSI (fused.rows / scale rows) and the HR MSI. `hsiKernel` is the
// LR sensor's blur (an MTF-matched Gaussian when unknown, see mtfGaussian). `progress` (stage "qnr") is called
// between the parts; when it returns false the computation stops with Interrupted.
QnrResult qnrIndices(const Cube& fused, const Cube& lr, const Cube& msi, int scale, const BlurKernel& hsiKernel,
                     int blockSize = 32, const ProgressFn& progress = {});

}  // namespace hsifuse
