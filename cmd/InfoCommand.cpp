// hsi-fuse info FILE [FILE2] [--srf NAME|CSV] [--json]: what a scene holds, how two scenes relate,
// and the spectral response matrix P between them (pipeline/InfoJob.h).
#include <iostream>

#include "cmd/Command.h"
#include "cmd/CommonOptions.h"
#include "pipeline/InfoJob.h"

namespace hsifuse {
namespace {

// The job's options plus --json and the band filter group parsed into them.
struct InfoCommandOptions {
  InfoOptions job;
  bool json = false;
  BandFilterOptions filter;
};

class InfoCommand : public Command {
 public:
  std::string name() const override { return "info"; }
  std::string summary() const override {
    return "Describe a scene, a LR HSI / HR MSI pair, and their spectral response P.";
  }
  std::string description() const override {
    return "Prints size, bands, wavelength range and count, CRS, pixel size, nodata and data type of FILE. "
           "With FILE2 (FILE the low-resolution HSI, FILE2 the high-resolution MSI): the resolution ratio, whether "
           "it is within 1% of an integer, and the overlap on the HR grid. With --srf: how much of each MSI band's "
           "response the HSI covers (bands under --min-coverage are dropped with a warning) and the matrix P "
           "(MSI bands x HSI bands, rows sum to 1). Band filters select the HSI bands first and the kept and "
           "dropped bands are listed.";
  }
  void declare(OptionTable& t) override {
    t.positional("FILE", &o_.job.file, "Raster to describe (the low-resolution HSI when FILE2 is given).")
        .positional("FILE2", &o_.job.file2, "High-resolution MSI of the same place.", false)
        .text("srf", &o_.job.srf, "NAME|CSV",
              "MSI response curves: sentinel2a, sentinel2b, landsat8, nikon_d700, or a CSV (wavelength_nm then one "
              "column per band); or a P matrix CSV (msi_band then one column per HSI band).")
        .number("min-coverage", &o_.job.minCoverage, "FRACTION",
                "Drop MSI bands whose response the HSI covers less than this share of.")
        .range(0, 1)
        .text("p-out", &o_.job.pOut, "CSV", "Write P as CSV (the format --srf reads back).")
        .flag("json", 0, &o_.json, "Print one JSON document on stdout instead of text.");
    o_.filter.declare(t);
    t.flag("overwrite", 0, &o_.job.overwrite, "Replace the --p-out file if it exists.");
  }

  int run(const CommonOptions& common, const ProgressFn&) override {
    InfoOptions j = o_.job;
    j.bands = o_.filter.toFilter();
    j.wavelengths = o_.filter.wavelengths;
    const InfoReport r = describeFiles(j);
    if (!common.quiet)
      for (const auto& w : r.warnings) std::cerr << "Warning: " << w << "\n";
    std::cout << (o_.json ? r.doc.dump(2) + "\n" : r.text);
    return 0;
  }

 private:
  InfoCommandOptions o_;
};

}  // namespace

std::unique_ptr<Command> makeInfoCommand() {
  return std::make_unique<InfoCommand>();
}

}  // namespace hsifuse
