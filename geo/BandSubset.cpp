#include "geo/BandSubset.h"

#include <algorithm>

#include "lib/core/Error.h"
#include "lib/spectral/HyperionPreset.h"

namespace hsifuse {

BandSelection selectRasterBands(const RasterInfo& info, const BandFilter& filter) {
  std::vector<DroppedBand> presetDrops;
  if (filter.preset == "hyperion")
    presetDrops = hyperionPresetDrops(info.spectralBands(), HyperionBandTable::loadShipped(), info.path);
  return selectBands(filter, info.spectralBands(), info.badBandList, presetDrops, info.path);
}

void writeBandSubset(const RasterDataset& src, const BandSelection& selection, const std::string& outPath,
                     const WriteOptions& options, const ProgressFn& progress, int rowsPerBlock) {
  const RasterInfo layout = src.info().selectBands(selection.kept);
  RasterWriter writer(outPath, layout, options);
  rowsPerBlock = std::max(1, rowsPerBlock);
  for (int row = 0; row < layout.height; row += rowsPerBlock) {
    const Window w{0, row, layout.width, std::min(rowsPerBlock, layout.height - row)};
    writer.writeWindow(w, src.readWindow(w, selection.kept));
    if (progress && !progress(0.95 * (row + w.height) / layout.height, "copy"))
      throw Interrupted();  // exit 130, like every command; the writer removes its temporary
  }
  writer.commit(scaledProgress(progress, 0.95, 1.0));
}

}  // namespace hsifuse
