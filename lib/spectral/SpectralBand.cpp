#include "lib/spectral/SpectralBand.h"

#include <fmt/format.h>

#include "lib/core/CsvTable.h"
#include "lib/core/Error.h"
#include "lib/core/Text.h"

namespace hsifuse {

std::optional<double> nanometresPerUnit(const std::string& unit) {
  const std::string u = toLower(trim(unit));
  if (u == "nm" || u == "nanometer" || u == "nanometers" || u == "nanometre" || u == "nanometres") return 1.0;
  if (u == "um" || u == "\xc2\xb5m" || u == "micron" || u == "microns" || u == "micrometer" || u == "micrometers" ||
      u == "micrometre" || u == "micrometres")
    return 1000.0;
  if (u == "mm" || u == "millimeter" || u == "millimeters" || u == "millimetre" || u == "millimetres") return 1e6;
  return std::nullopt;
}

bool allHaveWavelengths(const std::vector<SpectralBand>& bands) {
  for (const auto& b : bands)
    if (!b.hasWavelength()) return false;
  return !bands.empty();
}

std::vector<SpectralBand> loadBandTable(const std::string& path) {
  CsvTable t = CsvTable::load(path);
  int wl = -1;
  for (const char* name : {"wavelength_nm", "center_nm", "centre_nm", "wavelength"})
    if ((wl = t.findColumn(name)) >= 0) break;
  if (wl < 0)
    throw InputError(path + ": no wavelength column (expected one named wavelength_nm, center_nm or wavelength)");
  int fw = t.findColumn("fwhm_nm");
  if (fw < 0) fw = t.findColumn("fwhm");
  std::vector<SpectralBand> out(t.rowCount());
  for (std::size_t r = 0; r < t.rowCount(); ++r) {
    out[r].wavelengthNm = t.number(r, wl);
    if (fw >= 0) out[r].fwhmNm = t.number(r, fw);
    // Optical sensors here span about 200-20000 nm: zero, negative or absurd values are a wrong column or unit.
    if (!(out[r].wavelengthNm >= 100 && out[r].wavelengthNm <= 30000))
      throw InputError(fmt::format("{}: row {}: wavelength {} nm is outside 100-30000 nm (is the unit nm?)", path,
                                   r + 1, out[r].wavelengthNm));
    if (fw >= 0 && !(out[r].fwhmNm > 0 && out[r].fwhmNm <= 10000))
      throw InputError(fmt::format("{}: row {}: FWHM {} nm is not in (0, 10000] nm", path, r + 1, out[r].fwhmNm));
  }
  return out;
}

}  // namespace hsifuse
