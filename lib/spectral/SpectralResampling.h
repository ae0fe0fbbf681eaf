#pragma once
// Spectral resampling of a cube to another band set, with Gaussian target band responses built from
// the target centres and FWHM: target t = sum_b w[t][b] * source b, w[t][b] proportional to the
// target Gaussian at the source centre times the source band's spectral width, rows summing to 1.
// So any real cube can stand in for any sensor (AVIRIS to Hyperion bands, or 31 bands 400-700 nm).
#include <string>
#include <vector>

#include "lib/core/Cube.h"
#include "lib/spectral/SpectralBand.h"

namespace hsifuse {

// Throws InputError when a source band has no wavelength or a target band lies outside the source
// range by more than its FWHM.
std::vector<std::vector<double>> resamplingMatrix(const std::vector<SpectralBand>& source,
                                                  const std::vector<SpectralBand>& target);
// "31x400-700" -> 31 bands 400, 410, ..., 700 nm, FWHM = the spacing. Throws InputError.
std::vector<SpectralBand> parseBandGrid(const std::string& spec);

}  // namespace hsifuse
