#pragma once
// Bringing the two observations to one radiometric scale before fusion: the LR HSI divided by its peak, and each
// MSI band given the gain that makes its block means match P applied to the HSI (the sensors' calibrations and
// units differ; P assumes they agree).
#include <vector>

#include "lib/core/Cube.h"

namespace hsifuse {

// Multiplies each band of the HR MSI `x` by sum(P y) / sum(blockMean(x, s)) over the LR grid and returns the gains
// (1 for a band whose block means sum to 0). `y` is the LR HSI on the same footprint.
std::vector<double> matchMsiToHsi(Cube& x, const Cube& y, const std::vector<std::vector<double>>& p, int scale);

}  // namespace hsifuse
