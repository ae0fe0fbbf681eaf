#pragma once
// Full-reference quality metrics exactly as ../shared/specs/metrics-and-quality.md section 2 defines
// them (and as UAL's evaluation code computes them). Inputs are reference G and estimate F of the
// same shape, on the [0, 1] scale where a metric says so. Sums are accumulated in double.
#include <cstdint>
#include <vector>

#include "lib/core/Cube.h"

namespace hsifuse {

// 255 * sqrt(mean((G - F)^2)): UAL's RMSE on the 8-bit scale (no rounding).
double rmse8(const Cube& g, const Cube& f);
// UAL: both cubes * 255, rounded ties-to-even, one MSE over the cube, 10 log10(255^2 / (mse + 1e-12)).
double psnrUal(const Cube& g, const Cube& f);
// Mean over the bands of each band's mean squared error (float data, no scaling).
double cubeMse(const Cube& g, const Cube& f);
// Whole cube, float data: 10 log10(peak^2 / mse).
double psnrCube(const Cube& g, const Cube& f, double peak = 1.0);
// Mean over bands of 10 log10(peak^2 / mse_b).
double psnrBandMean(const Cube& g, const Cube& f, double peak = 1.0);
// Yokoya toolbox: per-band peak max(G_b), mean over bands.
double psnrBandMax(const Cube& g, const Cube& f);
// UAL SAM in degrees: on the x255 rounded data, norms clamped at 1e-12 (zero pixels count 90 deg),
// mean over all pixels.
double samUal(const Cube& g, const Cube& f);
// Toolbox SAM in degrees: float data, pixels with a zero norm excluded, cosine clamped to [-1, 1].
double samDegrees(const Cube& g, const Cube& f);
// ERGAS = 100/r * sqrt(mean_b (RMSE_b / mean(G_b))^2); bands with a zero reference mean are skipped.
double ergas(const Cube& g, const Cube& f, double ratio);
// SSIM with an 11x11 Gaussian window (sigma 1.5), C1 = 0.01^2, C2 = 0.03^2 (data range 1).
// UAL: zero padding, 'same' map averaged over all bands and pixels. With a pixel mask (1 = valid, row-major;
// empty = all valid), invalid pixels are zeroed and positions whose window reaches one are left out; NaN when every
// position's window reaches one.
double ssimUal(const Cube& g, const Cube& f, const std::vector<std::uint8_t>& valid = {});
// The same, one value per band (the mean of that band's map).
std::vector<double> ssimUalPerBand(const Cube& g, const Cube& f, const std::vector<std::uint8_t>& valid = {});
// Wang 2004: 'valid' map (5 pixels cropped per side), mean per band, then over bands.
double ssimValid(const Cube& g, const Cube& f);

// Throws InputError when the shapes differ.
void requireSameShape(const Cube& g, const Cube& f);

}  // namespace hsifuse
