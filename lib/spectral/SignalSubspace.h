#pragma once
// The signal subspace of a hyperspectral cube, with no ground truth (HySime, Bioucas-Dias and Nascimento 2008): the
// bands of an HSI are a few hundred views of a scene that a handful of spectral directions explain, while its noise
// is spread over every direction. Projecting each pixel onto the directions where the signal's power exceeds the
// noise's removes most of the noise and little of the signal. GLP-REG upsamples the LR HSI so projected: at 35 dB the
// LR noise, upsampled into the fused cube, was most of its error (native Houston, s = 4: 46.1 -> 49.0 dB).
#include <vector>

#include "lib/core/Cube.h"
#include "lib/spectral/BandNoise.h"

namespace hsifuse {

struct SignalSubspace {
  int bands = 0;
  int rank = 0;               // 0: no estimate, project() is the identity
  std::vector<double> mean;   // per band
  std::vector<double> basis;  // bands x rank, row-major: column k is the k-th kept direction (unit length)

  // Each pixel of `c` (bands x rows x cols) as mean + basis basis' (pixel - mean); pixels with a non-finite band are
  // left as they are.
  Cube project(const Cube& c) const;
};

// HySime's choice on the covariance C of the cube's finite pixels and its noise covariance N = diag(sigma^2): the
// eigenvectors e of C - N whose power e'Ce exceeds twice their noise e'Ne (keeping such a direction lowers the
// projection's expected squared error) and stands out of the noise's own spread: with n pixels and B bands the
// sample covariance of pure noise has eigenvalues up to about (1 + sqrt(B / n))^2 times the true one
// (Marchenko-Pastur), so a direction needs e'Ce above the larger of the two factors times e'Ne. Without the second, a
// small scene keeps noise directions (measured: 37 directions on the 12 x 12-pixel native Moffett scene, 6 with it;
// GLP-REG 42.27 against 43.02 dB); it does not bind on a 48 x 48-pixel crop of 128 bands (factor 1.53).
// The noise is estimated on the cube (lib/spectral/BandNoise.h). Empty (rank 0) when it is unknown (too few pixels
// or bands).
SignalSubspace estimateSignalSubspace(const Cube& c);

}  // namespace hsifuse
