#include "lib/spectral/HyperionPreset.h"

#include <fmt/format.h>

#include <cmath>

#include "lib/core/CsvTable.h"
#include "lib/core/Error.h"
#include "lib/core/ShareDir.h"

namespace hsifuse {

HyperionBandTable HyperionBandTable::load(const std::string& path) {
  CsvTable t = CsvTable::load(path);
  const int num = t.requireColumn("band"), c = t.requireColumn("center_nm"), f = t.requireColumn("fwhm_nm"),
            nc = t.requireColumn("not_calibrated");
  HyperionBandTable table;
  for (std::size_t r = 0; r < t.rowCount(); ++r) {
    table.number.push_back(static_cast<int>(t.number(r, num)));
    table.bands.push_back({t.number(r, c), t.number(r, f)});
    table.notCalibrated.push_back(t.number(r, nc) != 0);
  }
  return table;
}

HyperionBandTable HyperionBandTable::loadShipped() {
  return load(findShareFile("srf/eo1_hyperion_bands.csv"));
}

const std::vector<WavelengthRange>& hyperionWaterRanges() {
  static const std::vector<WavelengthRange> ranges{{1330.0, 1490.0}, {1775.0, 1990.0}};
  return ranges;
}

std::vector<DroppedBand> hyperionPresetDrops(const std::vector<SpectralBand>& bands, const HyperionBandTable& table,
                                             const std::string& source) {
  const bool byOrder = bands.size() == table.number.size() && !allHaveWavelengths(bands);
  std::vector<DroppedBand> drops;
  for (std::size_t i = 0; i < bands.size(); ++i) {
    int row = -1;
    if (byOrder) {
      row = static_cast<int>(i);
    } else {
      if (!bands[i].hasWavelength())
        throw InputError(
            fmt::format("--preset hyperion: band {} of {} has no wavelength; supply them with "
                        "--wavelengths CSV",
                        i + 1, source));
      for (std::size_t r = 0; r < table.bands.size(); ++r)
        if (std::fabs(table.bands[r].wavelengthNm - bands[i].wavelengthNm) <= 1.0) {
          row = static_cast<int>(r);
          break;
        }
      if (row < 0)
        throw InputError(
            fmt::format("--preset hyperion: band {} of {} ({:.2f} nm) is not an EO-1 Hyperion band "
                        "(no Hyperion centre within 1 nm); use --bands/--drop-wavelengths instead",
                        i + 1, source, bands[i].wavelengthNm));
    }
    const double wl = table.bands[row].wavelengthNm;
    if (table.notCalibrated[row]) {
      drops.push_back({static_cast<int>(i), fmt::format("hyperion: band {} not calibrated", table.number[row])});
      continue;
    }
    for (const auto& w : hyperionWaterRanges())
      if (wl >= w.loNm && wl <= w.hiNm) {
        drops.push_back({static_cast<int>(i), fmt::format("hyperion: band {} in water absorption {:g}-{:g} nm",
                                                          table.number[row], w.loNm, w.hiNm)});
        break;
      }
  }
  return drops;
}

}  // namespace hsifuse
