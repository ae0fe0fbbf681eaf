#include "pipeline/SubsetJob.h"

#include <fmt/format.h>

#include "geo/BandSubset.h"
#include "geo/RasterDataset.h"
#include "lib/core/AtomicOutput.h"

namespace hsifuse {

SubsetReport subsetFile(const SubsetOptions& o, const ProgressFn& progress, const LogFn& log) {
  RasterDataset src = RasterDataset::open(o.input, OpenOptions{o.wavelengths});
  SubsetReport r;
  r.total = src.info().bandCount();
  r.selection = selectRasterBands(src.info(), o.bands);
  WriteOptions w = o.write;
  if (w.outputType.empty()) w.outputType = src.info().bands.front().dataType;
  checkOutputs({{o.output, "OUTPUT"}}, {{o.input, "INPUT"}, {o.wavelengths, "--wavelengths"}}, w.overwrite);
  if (log)
    log(fmt::format("Keeping {} of {} bands of {} ({} dropped)", r.selection.kept.size(), r.total, o.input,
                    r.selection.dropped.size()));
  writeBandSubset(src, r.selection, o.output, w, progress);
  return r;
}

}  // namespace hsifuse
