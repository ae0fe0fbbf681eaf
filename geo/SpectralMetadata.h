#pragma once
// Band wavelengths and FWHM (in nm) from whichever convention a file uses, checked in this order:
//   1. per-band items `wavelength` / `fwhm` with `wavelength_units` (band, dataset or ENVI domain);
//   2. dataset lists `wavelength = {...}`, `fwhm = {...}` in the ENVI or default domain, with
//      `wavelength units` / `wavelength_units`;
//   3. IMAGERY-domain per-band `CENTRAL_WAVELENGTH_UM` / `FWHM_UM`.
// A band table CSV given by the user (--wavelengths) overrides all of them.
// The writer puts back all three forms, in nm and um, so every reader finds them.
#include <string>

class GDALDataset;

namespace hsifuse {

struct RasterInfo;

// Fills info.bands[*].spectral, info.wavelengthSource and info.badBandList from `ds`.
// Throws InputError naming the file for an unknown unit or a list whose length is not the band count.
void readSpectralMetadata(GDALDataset& ds, RasterInfo& info);
// Replaces the wavelengths with those of a band table CSV (lib/spectral/SpectralBand.h: loadBandTable).
void applyWavelengthTable(const std::string& csvPath, RasterInfo& info);
// Writes the spectral items of `info` (all three conventions, plus bbl) onto `ds`.
void writeSpectralMetadata(const RasterInfo& info, GDALDataset& ds);
// True for the metadata keys that readSpectralMetadata consumes (they are regenerated on write).
bool isSpectralMetadataKey(const std::string& domain, const std::string& key);

}  // namespace hsifuse
