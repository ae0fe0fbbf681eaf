#pragma once
// The step-cost scenes of bench/step_cost and bench/cuda_check: a real cube's bands taken by nearest band index to
// `bands` bands, given wavelengths spread evenly over 430-2400 nm (with the spacing as FWHM), so that one cube stands
// for sensors of 31, 128 or 244 bands. Header-only: bench/cuda_check.sh compiles its sources without CMake.
#include <algorithm>
#include <utility>
#include <vector>

#include "lib/core/Cube.h"
#include "lib/spectral/SpectralBand.h"

namespace hsifuse {

inline std::pair<Cube, std::vector<SpectralBand>> spreadBands(const Cube& source, int bands) {
  Cube z(bands, source.rows, source.cols);
  std::vector<SpectralBand> wl(bands);
  for (int b = 0; b < bands; ++b) {
    std::copy_n(source.band(b * source.bands / bands), source.planeSize(), z.band(b));
    wl[b] = {430 + 1970.0 * b / (bands - 1), 1970.0 / (bands - 1)};
  }
  return {std::move(z), std::move(wl)};
}

}  // namespace hsifuse
