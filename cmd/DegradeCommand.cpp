// hsi-fuse degrade HR_HSI --srf ... --scale S --kernel SPEC --snr-db DB --lr-out LR --msi-out MSI:
// Wald's protocol, so every real cube becomes a test pair.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <iostream>

#include "cmd/Command.h"
#include "cmd/CommonOptions.h"
#include "pipeline/DegradeJob.h"

namespace hsifuse {
namespace {

// The job's options (pipeline/DegradeJob.h) plus the output group parsed into them.
struct DegradeCommandOptions {
  DegradeOptions job;
  OutputOptions out;
};

class DegradeCommand : public Command {
 public:
  std::string name() const override { return "degrade"; }
  std::string summary() const override {
    return "Simulate an LR HSI and an HR MSI from a real HR HSI (Wald's protocol).";
  }
  std::string description() const override {
    return "Writes LR = (Z * k) downsampled by S + noise, with the same origin as HR_HSI and a pixel S times larger "
           "(LR pixel (i, j) covers HR pixels S*i..S*i+S-1), wavelengths kept; and MSI = P Z (+ noise), one band per "
           "kept SRF band, named. HR_HSI is cropped to a multiple of S first. --resample-to applies a Gaussian "
           "spectral resampling before everything, so any real cube can stand in for any sensor.";
  }
  void declare(OptionTable& t) override {
    t.positional("HR_HSI", &o_.job.input, "High-resolution hyperspectral cube with wavelengths.")
        .text("srf", &o_.job.srf, "NAME|CSV",
              "MSI response: sentinel2a, sentinel2b, landsat8, nikon_d700, a curve CSV or a P CSV.")
        .integer("scale", &o_.job.scale, "S", "Resolution ratio (LR pixel = S x S HR pixels).")
        .range(1, 100)
        .text("kernel", &o_.job.kernel, "SPEC",
              "Blur kernel: gauss:SIZE:SIGMA, aniso:SIZE:SX:SY:ANGLE, disk:SIZE:RADIUS (defocus), ual8 (8x8, sigma "
              "sqrt 3) or a CSV.")
        .text("snr-db", &o_.job.snrDb, "DB", "White Gaussian noise on the LR HSI at this SNR (inf: none).")
        .text("msi-snr-db", &o_.job.msiSnrDb, "DB", "White Gaussian noise on the MSI at this SNR (inf: none).")
        .text("lr-out", &o_.job.lrOut, "FILE", "Output LR HSI.")
        .text("msi-out", &o_.job.msiOut, "FILE", "Output HR MSI.")
        .text("truth-out", &o_.job.truthOut, "FILE", "Also write the (resampled, cropped) reference Z.")
        .text("resample-to", &o_.job.resampleTo, "FILE|NxA-B",
              "Resample spectrally first: to the wavelengths of FILE, or N bands A..B nm (31x400-700).")
        .text("wavelengths", &o_.job.wavelengths, "CSV", "Band centres (and FWHM) of HR_HSI, one row per band.")
        .number("min-coverage", &o_.job.minCoverage, "FRACTION",
                "Drop MSI bands whose response the HSI covers less than this share of.")
        .range(0, 1)
        .integer("seed", &o_.job.seed, "N", "Seed of the noise (the same seed gives the same noise).")
        .range(0, 2147483647);
    o_.out.declare(t, "Float32");
  }
  int run(const CommonOptions& common, const ProgressFn& progress) override {
    DegradeOptions d = o_.job;
    d.write = o_.out.toWriteOptions("Float32");
    const DegradeReport r = degradeFile(d, progress);
    if (!common.quiet) {
      for (const auto& w : r.warnings) std::cerr << "Warning: " << w << "\n";
      std::cerr << fmt::format("HR {}x{} -> LR {}x{} ({} bands), MSI bands: {}\n", r.hrCols, r.hrRows, r.lrCols,
                               r.lrRows, r.hsiBands, fmt::join(r.msiBands, " "));
    }
    return 0;
  }

 private:
  DegradeCommandOptions o_;
};

}  // namespace

std::unique_ptr<Command> makeDegradeCommand() {
  return std::make_unique<DegradeCommand>();
}

}  // namespace hsifuse
