#pragma once
// Spectral variety for the fusion module's supervised training (issue #12): a few real cubes cannot show the
// module every illumination, material mix or sensor, so training pairs are drawn with the scene's brightness and
// spectral shape jittered, and with the MSI made through a perturbed spectral response (a real sensor's curves
// differ from the published ones by small shifts and gains).
#include <random>
#include <vector>

#include "lib/core/Cube.h"

namespace hsifuse {

using ResponseMatrix = std::vector<std::vector<double>>;

// P with each MSI band's row tilted across its own support (weights x (1 + a t), t from -1 at its first non-zero
// band to +1 at its last, a uniform in +-`tilt`: a shift of the curve's centre) and its sum scaled by a gain
// 1 + g, g normal with standard deviation `gain`. Zero weights stay zero; weights stay non-negative.
ResponseMatrix perturbResponse(const ResponseMatrix& p, double tilt, double gain, std::mt19937_64& rng);

// Multiplies band b of z by brightness x (1 + tilt t + curvature (t^2 - 1/3)), t = -1 .. +1 from the first band
// to the last, and clamps at zero: a scene lit or coloured differently, with the same spatial structure.
void jitterSpectra(Cube& z, double brightness, double tilt, double curvature);

}  // namespace hsifuse
