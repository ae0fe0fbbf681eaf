#pragma once
// A closed-form estimate of the blur kernel k from an HR estimate Z~ and the LR observation Y:
// least squares on Y[b, i, j] = sum_{u,v} k[u, v] Z~[b, s*i - p + u, s*j - p + v] (the sampling
// phase of Degradation.h), over a random subset of LR pixels and bands, with a small ridge; then
// clamped at 0 and normalised to sum 1. Used to start the degeneration net near a blur that already
// explains Y, instead of a generic Gaussian that the adaptation must first unlearn.
#include <cstdint>
#include <vector>

#include "lib/core/Cube.h"
#include "lib/spatial/BlurKernel.h"

namespace hsifuse {

BlurKernel estimateKernelLeastSquares(const Cube& hrEstimate, const Cube& lr, int kernelSize, int scale,
                                      int maxSamples = 20000, std::uint64_t seed = 0);

// The kernel of the normal equations A'A w = A'b of a k x k fit (ata: n x n with n = k^2, row-major, symmetric),
// with a ridge of 1e-3 of the mean diagonal (neighbouring taps of a smooth image are nearly collinear), clamped at 0.
// Not normalised: the caller decides what a kernel with no positive tap means.
BlurKernel solveKernelNormalEquations(std::vector<double> ata, const std::vector<double>& atb, int k);

// The same fit held non-negative, with a ridge of `ridge` times the mean diagonal: solved on the free taps, every tap
// that comes out negative is fixed at 0 and the rest solved again, until none is negative (taps never come back, so
// this is close to, not exactly, the non-negative least-squares optimum). A blur has no negative taps; without the
// constraint the noise's share of a fit of hundreds of taps lands in alternating-sign patterns that the clamp above
// only halves. Not normalised; all zero when nothing positive fits.
BlurKernel solveNonNegativeKernel(const std::vector<double>& ata, const std::vector<double>& atb, int k, double ridge);

// The central LR window of an lrRows x lrCols scene holding at most sideHr x sideHr HR pixels (at least 8 LR
// pixels a side where the scene has them): where the least-squares kernel fits run.
Window kernelFitWindow(int lrRows, int lrCols, int scale, int sideHr);

}  // namespace hsifuse
