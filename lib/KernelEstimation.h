#pragma once
// A closed-form estimate of the blur kernel k from an HR estimate Z~ and the LR observation Y:
// least squares on Y[b, i, j] = sum_{u,v} k[u, v] Z~[b, s*i - p + u, s*j - p + v] (the sampling
// phase of Degradation.h), over a random subset of LR pixels and bands, with a small ridge; then
// clamped at 0 and normalised to sum 1. Used to start the degeneration net near a blur that already
// explains Y, instead of a generic Gaussian that the adaptation must first unlearn.
#include <cstdint>

#include "lib/BlurKernel.h"
#include "lib/Cube.h"

namespace hsifuse {

BlurKernel estimateKernelLeastSquares(const Cube& hrEstimate, const Cube& lr, int kernelSize, int scale,
                                      int maxSamples = 20000, std::uint64_t seed = 0);

}  // namespace hsifuse
