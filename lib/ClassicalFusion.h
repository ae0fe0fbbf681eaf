#pragma once
// Classical HSI-MSI fusion without learning, in the band-grouped form of Yokoya's comparison toolbox
// (../shared/specs/metrics-and-quality.md 3.2.1; each HSI band joins the MSI band it correlates with best):
// GSA (Gram-Schmidt adaptive, Aiazzi et al. 2007) and MTF-GLP-HS (generalised Laplacian pyramid with an
// MTF-matched low-pass and regression-based injection gains).
// A first stage for UAL, a fast method on its own, and the baseline learned results are compared with.
#include <vector>

#include "lib/BlurKernel.h"
#include "lib/Cube.h"

namespace hsifuse {

// lrHsi: B x h x w; hrMsi: b x (h*s) x (w*s). Returns B x (h*s) x (w*s).
// Up/downsampling follow the phase of Degradation.h (bicubic up, s x s block mean down).
Cube fuseGsa(const Cube& lrHsi, const Cube& hrMsi, int scale);
// MTF-GLP-HS: fused_k = up(y_k) + g_k (pan - up(down(MTF * pan))), g_k = cov(up(y_k), low) / var(low), with the
// pan the MSI band of y_k's group and `mtf` the LR sensor's blur (mtfGaussian(s) when unknown).
Cube fuseGlpHs(const Cube& lrHsi, const Cube& hrMsi, int scale, const BlurKernel& mtf);

// Solves the symmetric positive (semi-)definite system A x = b (n x n, row-major) by Cholesky with a
// tiny ridge, for the small least-squares fits of the classical methods.
std::vector<double> solveSymmetric(std::vector<double> a, std::vector<double> b);

}  // namespace hsifuse
