#pragma once
// The residual misregistration between the MSI and the LR HSI after the grids are paired: phase correlation
// (Kuglin & Hines 1975) on the LR grid of the MSI's s x s block means and P Y (band means of both), with a
// Hann window against border leakage, the integer peak refined by a parabola and then by a weighted
// least-squares fit of the cross-power spectrum's phase plane over the lower frequencies (sub-pixel, unbiased
// for a pure translation; symmetric blurs change no phase). Reported in HR pixels.
#include <vector>

#include "lib/core/Cube.h"

namespace hsifuse {

struct ShiftEstimate {
  double dx = 0, dy = 0;  // HR pixels: the MSI content equals the HSI content moved right by dx, down by dy
  double peak = 0;        // height of the correlation peak (1 = a pure translation; near 0 = no clear match)
};

// `msi`: b x H x W; `lr`: B x H/s x W/s; `p`: b x B. Throws InputError when the scene is under 16 x 16 HR pixels.
ShiftEstimate estimateShift(const Cube& msi, const Cube& lr, const std::vector<std::vector<double>>& p, int scale);

// Phase correlation of two planes (rows x cols): the (dx, dy) that moves `moving` onto `reference`.
ShiftEstimate phaseCorrelation(const std::vector<double>& reference, const std::vector<double>& moving, int rows,
                               int cols);

}  // namespace hsifuse
