#pragma once
// `--srf estimate`: the spectral response P fitted from the scene itself, for MSI sensors without
// published curves or with a calibration that differs from them. Each MSI band, brought to the LR grid
// (the caller blurs it like the HSI, e.g. with the MTF-matched Gaussian, and decimates), is fitted as a non-negative
// combination of the LR HSI bands,
//   min_p |x_c - Y p|^2 + lambda |D p|^2,  p >= 0,
// with D the second difference along the bands (responses are smooth in wavelength; without it the fit
// picks a few of the strongly correlated HSI bands), by projected gradient descent; each row is then
// scaled to sum 1 (the MSI gains are fitted separately, as for shipped curves). The relative residual of
// each fit, |x_c - Y p| / |x_c|, is reported.
#include <vector>

#include "lib/core/Cube.h"

namespace hsifuse {

struct ResponseFit {
  std::vector<std::vector<double>> p;    // MSI bands x HSI bands, rows sum to 1
  std::vector<double> relativeResidual;  // per MSI band
};

// `lr`: B x h x w; `msiLr`: b x h x w (the MSI on the LR grid). `smoothness` is lambda relative to the
// mean diagonal of Y'Y.
ResponseFit estimateResponse(const Cube& lr, const Cube& msiLr, double smoothness = 1e-3);

}  // namespace hsifuse
