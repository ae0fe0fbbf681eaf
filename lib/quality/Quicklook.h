#pragma once
// An RGB quicklook of a hyperspectral cube: the bands nearest 640, 550 and 470 nm (or at 3/4, 1/2 and 1/4
// of the band list without wavelengths), each stretched from its 2nd to its 98th percentile to 0..255.
#include <vector>

#include "lib/core/Cube.h"
#include "lib/spatial/BlurKernel.h"
#include "lib/spectral/SpectralBand.h"

namespace hsifuse {

// Two halves, so that a cube streamed tile by tile keeps only three bands: which bands (0-based R, G, B) of
// `bandCount`, and the stretch of a 3-band cube holding them to values 0..255.
std::vector<int> quicklookBands(const std::vector<SpectralBand>& bands, int bandCount);
Cube stretchRgb(const Cube& rgbBands);

// A picture of a blur kernel for people: one band, each tap a `magnification` x `magnification` square, the
// largest tap 255 and zero black (values 0..255).
Cube kernelPicture(const BlurKernel& kernel, int magnification = 16);

}  // namespace hsifuse
