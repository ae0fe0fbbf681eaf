#pragma once
// What is known of one band's spectral position. NaN means unknown.
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace hsifuse {

struct SpectralBand {
  double wavelengthNm = std::numeric_limits<double>::quiet_NaN();
  double fwhmNm = std::numeric_limits<double>::quiet_NaN();
  bool hasWavelength() const { return std::isfinite(wavelengthNm); }
  bool hasFwhm() const { return std::isfinite(fwhmNm) && fwhmNm > 0; }
};

// Nanometres per unit for a wavelength unit name as files spell it ("nm", "Nanometers", "um",
// "micrometres", "microns", ...; case-insensitive). nullopt when the unit is not a length we know.
std::optional<double> nanometresPerUnit(const std::string& unit);

// True when every band has a wavelength.
bool allHaveWavelengths(const std::vector<SpectralBand>& bands);

// Reads a band table CSV: one row per band in band order, a centre column named wavelength_nm,
// center_nm, centre_nm or wavelength, and optionally fwhm_nm or fwhm (all in nanometres).
std::vector<SpectralBand> loadBandTable(const std::string& path);

}  // namespace hsifuse
