#pragma once
// The `hyperion` band preset: EO-1 Hyperion bands USGS flags as not calibrated (1-7, 58-76,
// 225-242) plus the bands inside the two strong water-vapour absorptions:
//   1330-1490 nm (Hyperion bands 119-134) and 1775-1990 nm (bands 163-183).
// The ranges follow the usual Hyperion practice (e.g. Datt et al. 2003, IEEE TGRS 41(6)); the
// 1400 nm range is the one HySure removed from the Paris cube, the 1900 nm one is slightly
// narrower than HySure's (which also drops 1991-2082 nm), so that more SWIR-2 bands survive.
#include <string>
#include <vector>

#include "lib/spectral/BandSelection.h"
#include "lib/spectral/SpectralBand.h"

namespace hsifuse {

struct HyperionBandTable {
  std::vector<int> number;          // 1..242
  std::vector<SpectralBand> bands;  // centre and FWHM in nm
  std::vector<bool> notCalibrated;

  // share/srf/eo1_hyperion_bands.csv (columns band, center_nm, fwhm_nm, not_calibrated).
  static HyperionBandTable load(const std::string& path);
  static HyperionBandTable loadShipped();
};

const std::vector<WavelengthRange>& hyperionWaterRanges();

// Bands of a raster that the preset drops. A raster with 242 bands and no wavelengths is taken as
// Hyperion band order; otherwise each band is matched to the Hyperion band whose centre is within
// 1 nm of its wavelength. Throws InputError when a band cannot be matched.
std::vector<DroppedBand> hyperionPresetDrops(const std::vector<SpectralBand>& bands, const HyperionBandTable& table,
                                             const std::string& source);

}  // namespace hsifuse
