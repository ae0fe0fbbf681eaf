#pragma once
// Bringing the two observations to one radiometric scale before fusion: the LR HSI divided by its peak, and each
// MSI band given the gain that makes its block means match P applied to the HSI (the sensors' calibrations and
// units differ; P assumes they agree).
#include <cstdint>
#include <vector>

#include "lib/core/Cube.h"
#include "lib/spatial/BlurKernel.h"

namespace hsifuse {

// Multiplies each band of the HR MSI `x` by sum(P y) / sum(blockMean(x, s)) over the LR grid and returns the gains
// (1 for a band whose block means sum to 0). `y` is the LR HSI on the same footprint.
std::vector<double> matchMsiToHsi(Cube& x, const Cube& y, const std::vector<std::vector<double>>& p, int scale);

// The factor each MSI band of `x` (already matched by block means) still needs for D_k X to match P y: sum(P y) /
// sum(D_k x) over the valid LR pixels (row-major, 1 = valid; empty = all), 1 where D_k x sums to 0. Block means
// assume the LR pixel's response is centred on its s x s block; an odd kernel at an even s sits half an HR pixel off
// (and a real PSF wherever it is), and where the scene has a gradient the two means differ by the gradient times
// that offset. The adaptation then pulls Z towards the MSI's brightness: on native Samson (s = 4, a 13 x 13 kernel)
// block means put the MSI 1.3 % too bright and the adaptation lost 1.1 dB against its own first stage.
std::vector<double> kernelGainCorrection(const Cube& x, const Cube& y, const std::vector<std::vector<double>>& p,
                                         const BlurKernel& kernel, int scale,
                                         const std::vector<std::uint8_t>& lrValid = {});

}  // namespace hsifuse
