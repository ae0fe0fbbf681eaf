#pragma once
// The observation model of UAL: Y = (Z * k) downsampled by s + N (Eq. 5) and X = P Z (Eq. 1).
//
// Sampling phase, the one convention used everywhere (degradation, degeneration net, upsampling,
// tiling, the LR geotransform): LR pixel (i, j) covers HR pixels s*i .. s*i+s-1 (and s*j ..), so
// the LR grid has the HR origin and an s times larger pixel. Its value is the kernel-weighted sum
//   Y[i, j] = sum_{u,v} k[u, v] * Z[s*i - p + u, s*j - p + v],  p = floor((k - s) / 2),
// with HR indices clamped at the borders (replicate padding). For k - s even the kernel centre
// falls on the LR pixel centre s*i + (s-1)/2 exactly; for k - s odd it lies half an HR pixel
// below/right of it. This is the padding ReplicationPad((k-s)/2) + conv(stride s) of UAL's code.
#include <cstdint>
#include <vector>

#include "lib/core/Cube.h"
#include "lib/core/WindowSource.h"
#include "lib/spatial/BlurKernel.h"

namespace hsifuse {

// Rows and columns of the kernel padding before the first HR pixel: p above.
int degradationPadding(int kernelSize, int scale);
// `kernel` in a size x size support with the sampling phase kept (its offset p = floor((k - s) / 2) maps onto
// that of the larger support). Throws Error when it does not fit.
BlurKernel embedKernel(const BlurKernel& kernel, int size, int scale);

// (Z * k) downsampled by s; the output has floor(rows/s) x floor(cols/s) pixels.
Cube blurDownsample(const Cube& z, const BlurKernel& k, int scale);
// The LR pixels `lr` of blurDownsample(whole scene, k, scale), from the HR pixels under them read from `z` (the
// scene's grid): equal to cropping the whole result, for scenes read window by window.
Cube blurDownsampleWindow(const WindowSource& z, const BlurKernel& k, int scale, const Window& lr);

// Adds white Gaussian noise so that the signal-to-noise ratio of the whole cube is `snrDb`
// (10 log10(sum y^2 / sum n^2) over the finite values; NaN values stay NaN), reproducibly for a given seed. Returns
// the noise sigma.
double addNoiseAtSnr(Cube& y, double snrDb, std::uint64_t seed);

// White Gaussian noise of standard deviation `sigma` (in the cube's units), reproducible for a seed.
void addGaussianNoise(Cube& y, double sigma, std::uint64_t seed);
// The same with one sigma per band.
void addGaussianNoise(Cube& y, const std::vector<double>& sigmaPerBand, std::uint64_t seed);

// X = P Z: P has one row per output band and one column per band of z.
Cube projectSpectrally(const Cube& z, const std::vector<std::vector<double>>& p);

}  // namespace hsifuse
