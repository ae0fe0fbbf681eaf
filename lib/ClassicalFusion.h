#pragma once
// Classical HSI-MSI fusion without learning: GSA (Gram-Schmidt adaptive, Aiazzi et al. 2007) in the
// band-grouped form of Yokoya's comparison toolbox (../shared/specs/metrics-and-quality.md 3.2.1).
// A first stage for UAL, a fast method on its own, and the baseline learned results are compared with.
#include "lib/Cube.h"

namespace hsifuse {

// lrHsi: B x h x w; hrMsi: b x (h*s) x (w*s). Returns B x (h*s) x (w*s).
// Up/downsampling follow the phase of Degradation.h (bicubic up, s x s block mean down).
Cube fuseGsa(const Cube& lrHsi, const Cube& hrMsi, int scale);

// Solves the symmetric positive (semi-)definite system A x = b (n x n, row-major) by Cholesky with a
// tiny ridge, for the small least-squares fits of the classical methods.
std::vector<double> solveSymmetric(std::vector<double> a, std::vector<double> b);

}  // namespace hsifuse
