#pragma once
// The noise of each band of a hyperspectral cube, with no ground truth: neighbouring bands of an HSI see nearly the
// same scene, so regressing a band on its neighbours explains the signal and leaves the noise (the noise estimation
// of HySime, Bioucas-Dias and Nascimento 2008, with the regressors limited to the nearest bands so that it also works
// on scenes with fewer pixels than bands). Measured on the HypSen grid cubes at 30-40 dB (8 x 10 to 33 x 33 LR pixels,
// 128 bands): 3-8 % above the true sigma with 32 neighbours; the residual keeps a little signal and the neighbours'
// own noise, so it errs high.
//
// It needs many correlated bands: on a 13-band MSI the residual is mostly signal (a noise-free Sentinel-2 MSI
// measured as 41-57 dB "noise"), so it is not used there.
#include <vector>

#include "lib/core/Cube.h"

namespace hsifuse {

inline constexpr int kNoiseRegressors = 32;

struct BandNoise {
  std::vector<double> sigma;  // per band, in the cube's units; empty when the cube has too few pixels or bands
  int regressors = 0;         // neighbouring bands each band was regressed on
  int pixels = 0;             // pixels with every band finite
  // The whole-cube SNR the estimate implies: 10 log10(mean y^2 / mean sigma^2); NaN when unknown.
  double snrDb = 0;
};

// The bands' statistics over the pixels where every band is finite.
struct BandCovariance {
  int pixels = 0;
  double meanSquare = 0;     // of every value
  std::vector<double> mean;  // per band
  std::vector<double> cov;   // bands x bands, row-major, divided by the pixel count
};
BandCovariance bandCovariance(const Cube& c);

// At most `maxRegressors` nearest bands (ties to the lower band), and at most half the usable pixels, so that each
// regression keeps residual degrees of freedom. Pixels with a non-finite band are skipped.
BandNoise estimateBandNoise(const Cube& c, int maxRegressors = kNoiseRegressors);
// The same from the cube's band statistics, for callers that need them too.
BandNoise estimateBandNoise(const BandCovariance& stats, int maxRegressors = kNoiseRegressors);

}  // namespace hsifuse
