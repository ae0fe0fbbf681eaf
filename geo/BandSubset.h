#pragma once
// Band filtering applied to a raster: which bands a filter keeps (with the Hyperion preset table
// loaded when asked), and a streamed copy of the kept bands to a new file with all metadata.
#include <string>

#include "geo/RasterDataset.h"
#include "geo/RasterWriter.h"
#include "lib/core/Progress.h"
#include "lib/spectral/BandSelection.h"

namespace hsifuse {

BandSelection selectRasterBands(const RasterInfo& info, const BandFilter& filter);

// Copies the kept bands of `src` to `outPath`, `rowsPerBlock` rows at a time, so memory follows the
// block size, not the raster size.
void writeBandSubset(const RasterDataset& src, const BandSelection& selection, const std::string& outPath,
                     const WriteOptions& options, const ProgressFn& progress = {}, int rowsPerBlock = 256);

}  // namespace hsifuse
