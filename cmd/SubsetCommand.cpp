// hsi-fuse subset INPUT OUTPUT: keep the wanted bands of a scene (drop bad and water bands) and
// write them with all georeferencing and metadata.
#include <fmt/format.h>

#include <iostream>

#include "cmd/Command.h"
#include "cmd/CommonOptions.h"
#include "geo/BandSubset.h"
#include "geo/RasterDataset.h"
#include "lib/core/AtomicOutput.h"
#include "lib/core/Error.h"

namespace hsifuse {
namespace {

struct SubsetOptions {
  std::string input;
  std::string output;
  BandFilterOptions filter;
  OutputOptions out;
};

class SubsetCommand : public Command {
 public:
  std::string name() const override { return "subset"; }
  std::string summary() const override { return "Write the kept bands of a scene (bad and water bands dropped)."; }
  std::string description() const override {
    return "Applies the band filters to INPUT and writes the kept bands to OUTPUT, with the georeferencing, nodata, "
           "band descriptions, wavelengths and FWHM (as per-band items, ENVI lists and IMAGERY items) and the other "
           "metadata of INPUT. The kept bands are listed on stderr. The output is written under a temporary name and "
           "renamed when complete.";
  }
  void declare(OptionTable& t) override {
    t.positional("INPUT", &o_.input, "Raster to read.").positional("OUTPUT", &o_.output, "Raster to write.");
    o_.filter.declare(t);
    o_.out.declare(t, "the input's type");
  }
  int run(const CommonOptions& common, const ProgressFn& progress) override {
    const BandFilter filter = o_.filter.toFilter();
    RasterDataset src = RasterDataset::open(o_.input, OpenOptions{o_.filter.wavelengths});
    const BandSelection sel = selectRasterBands(src.info(), filter);
    const WriteOptions w = o_.out.toWriteOptions(src.info().bands.front().dataType);
    checkOutputs({{o_.output, "OUTPUT"}}, {{o_.input, "INPUT"}, {o_.filter.wavelengths, "--wavelengths"}}, w.overwrite);
    if (!common.quiet)
      std::cerr << fmt::format("Keeping {} of {} bands of {} ({} dropped)\n", sel.kept.size(), src.info().bandCount(),
                               o_.input, sel.dropped.size());
    writeBandSubset(src, sel, o_.output, w, progress);
    return 0;
  }

 private:
  SubsetOptions o_;
};

}  // namespace

std::unique_ptr<Command> makeSubsetCommand() { return std::make_unique<SubsetCommand>(); }

}  // namespace hsifuse
