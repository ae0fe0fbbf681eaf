// hsi-fuse subset INPUT OUTPUT: keep the wanted bands of a scene (drop bad and water bands) and
// write them with all georeferencing and metadata.
#include "cmd/Command.h"
#include "cmd/CommonOptions.h"
#include "pipeline/SubsetJob.h"

namespace hsifuse {
namespace {

// The job's paths (pipeline/SubsetJob.h) plus the shared groups parsed into it.
struct SubsetCommandOptions {
  SubsetOptions job;
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
    t.positional("INPUT", &o_.job.input, "Raster to read.").positional("OUTPUT", &o_.job.output, "Raster to write.");
    o_.filter.declare(t);
    o_.out.declare(t, "the input's type");
  }
  int run(const CommonOptions& common, const ProgressFn& progress) override {
    SubsetOptions j = o_.job;
    j.bands = o_.filter.toFilter();
    j.wavelengths = o_.filter.wavelengths;
    j.write = o_.out.toWriteOptions("Float32");
    if (o_.out.outputType.empty()) j.write.outputType.clear();  // the job keeps the input's type
    subsetFile(j, progress, common.log());
    return 0;
  }

 private:
  SubsetCommandOptions o_;
};

}  // namespace

std::unique_ptr<Command> makeSubsetCommand() {
  return std::make_unique<SubsetCommand>();
}

}  // namespace hsifuse
