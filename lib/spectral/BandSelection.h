#pragma once
// Which bands of a raster to keep: by 1-based index ranges, by wavelength ranges, by the file's
// bad-band list (ENVI `bbl`, 1 = good) and by a sensor preset. The result lists every band kept and
// every band dropped with the reason, so that it can be reported.
#include <string>
#include <vector>

#include "lib/spectral/SpectralBand.h"

namespace hsifuse {

struct IndexRange {
  int first = 0;  // 1-based, inclusive
  int last = 0;   // 1-based, inclusive
};

struct WavelengthRange {
  double loNm = 0;  // inclusive
  double hiNm = 0;  // inclusive
};

// "8-57,77-224" or "5" or "1,3,7-9". Throws InputError naming `option` on bad syntax.
std::vector<IndexRange> parseIndexRanges(const std::string& text, const std::string& option);
// The inverse: 1-based indices (sorted) written as ranges, "1-3,7,104-115" (what --bands and --drop-bands read).
std::string formatIndexRanges(const std::vector<int>& oneBased);
// "1340-1460,1790-1960" in nm. Throws InputError naming `option` on bad syntax.
std::vector<WavelengthRange> parseWavelengthRanges(const std::string& text, const std::string& option);

struct BandFilter {
  std::vector<IndexRange> keep;                  // --bands: only these (all when empty)
  std::vector<IndexRange> drop;                  // --drop-bands
  std::vector<WavelengthRange> dropWavelengths;  // --drop-wavelengths
  bool useBadBandList = false;                   // --use-bbl: drop bands whose bbl entry is 0
  std::string preset;                            // --preset: "" or "hyperion"
  bool empty() const {
    return keep.empty() && drop.empty() && dropWavelengths.empty() && !useBadBandList && preset.empty();
  }
};

struct DroppedBand {
  int index = 0;  // 0-based
  std::string reason;
};

struct BandSelection {
  std::vector<int> kept;  // 0-based, ascending
  std::vector<DroppedBand> dropped;
};

// Applies `filter` to a raster's bands. `badBandList` is the file's bbl (empty when it has none);
// `presetDrops` are the bands a preset removes (see HyperionPreset.h). `source` names the file in errors.
// Throws InputError when an index is out of range, a wavelength filter meets a band without
// wavelength, --use-bbl is asked of a file without bbl, or nothing is left.
// `keepOption` names filter.keep in messages (--bands, or --msi-bands for the MSI).
BandSelection selectBands(const BandFilter& filter, const std::vector<SpectralBand>& bands,
                          const std::vector<int>& badBandList, const std::vector<DroppedBand>& presetDrops,
                          const std::string& source, const std::string& keepOption = "--bands");

}  // namespace hsifuse
