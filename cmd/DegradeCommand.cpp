// hsi-fuse degrade HR_HSI --srf ... --scale S --kernel SPEC --snr-db DB --lr-out LR --msi-out MSI:
// Wald's protocol, so every real cube becomes a test pair.
#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <iostream>

#include <fmt/ranges.h>

#include "cmd/Command.h"
#include "cmd/CommonOptions.h"
#include "geo/RasterDataset.h"
#include "geo/SceneSimulation.h"
#include "lib/core/Error.h"
#include "lib/spectral/SpectralResampling.h"
#include "lib/core/Text.h"

namespace hsifuse {
namespace {

struct DegradeOptions {
  std::string input;
  std::string srf;
  int scale = 0;
  std::string kernel = "ual8";
  std::string snrDb = "inf";
  std::string msiSnrDb = "inf";
  std::string lrOut;
  std::string msiOut;
  std::string truthOut;
  std::string resampleTo;
  std::string wavelengths;
  double minCoverage = 0.5;
  int seed = 0;
  OutputOptions out;
};

double parseSnr(const std::string& s, const std::string& option) {
  if (s == "inf" || s == "none") return INFINITY;
  const double v = parseDouble(s, option);
  if (!(v > 0)) throw InputError(option + ": must be a positive number of dB, or 'inf' for no noise");
  return v;
}

class DegradeCommand : public Command {
 public:
  std::string name() const override { return "degrade"; }
  std::string summary() const override { return "Simulate an LR HSI and an HR MSI from a real HR HSI (Wald's protocol)."; }
  std::string description() const override {
    return "Writes LR = (Z * k) downsampled by S + noise, with the same origin as HR_HSI and a pixel S times larger "
           "(LR pixel (i, j) covers HR pixels S*i..S*i+S-1), wavelengths kept; and MSI = P Z (+ noise), one band per "
           "kept SRF band, named. HR_HSI is cropped to a multiple of S first. --resample-to applies a Gaussian "
           "spectral resampling before everything, so any real cube can stand in for any sensor.";
  }
  void declare(OptionTable& t) override {
    t.positional("HR_HSI", &o_.input, "High-resolution hyperspectral cube with wavelengths.")
        .text("srf", &o_.srf, "NAME|CSV", "MSI response: sentinel2a, sentinel2b, landsat8, nikon_d700, a curve CSV or a P CSV.")
        .integer("scale", &o_.scale, "S", "Resolution ratio (LR pixel = S x S HR pixels).").range(1, 100)
        .text("kernel", &o_.kernel, "SPEC", "Blur kernel: gauss:SIZE:SIGMA, aniso:SIZE:SX:SY:ANGLE, disk:SIZE:RADIUS (defocus), ual8 (8x8, sigma sqrt 3) or a CSV.")
        .text("snr-db", &o_.snrDb, "DB", "White Gaussian noise on the LR HSI at this SNR (inf: none).")
        .text("msi-snr-db", &o_.msiSnrDb, "DB", "White Gaussian noise on the MSI at this SNR (inf: none).")
        .text("lr-out", &o_.lrOut, "FILE", "Output LR HSI.")
        .text("msi-out", &o_.msiOut, "FILE", "Output HR MSI.")
        .text("truth-out", &o_.truthOut, "FILE", "Also write the (resampled, cropped) reference Z.")
        .text("resample-to", &o_.resampleTo, "FILE|NxA-B", "Resample spectrally first: to the wavelengths of FILE, or N bands A..B nm (31x400-700).")
        .text("wavelengths", &o_.wavelengths, "CSV", "Band centres (and FWHM) of HR_HSI, one row per band.")
        .number("min-coverage", &o_.minCoverage, "FRACTION", "Drop MSI bands whose response the HSI covers less than this share of.").range(0, 1)
        .integer("seed", &o_.seed, "N", "Seed of the noise (the same seed gives the same noise).").range(0, 2147483647);
    o_.out.declare(t, "Float32");
  }
  int run(const CommonOptions& common, const ProgressFn& progress) override {
    SimulationOptions s;
    s.input = o_.input;
    s.wavelengthTable = o_.wavelengths;
    if (o_.srf.empty()) throw InputError("--srf: required (e.g. --srf sentinel2a)");
    if (o_.scale < 1) throw InputError("--scale: required, a positive integer");
    if (o_.lrOut.empty() || o_.msiOut.empty()) throw InputError("--lr-out and --msi-out are required");
    s.srf = o_.srf;
    s.minCoverage = o_.minCoverage;
    s.scale = o_.scale;
    s.kernel = BlurKernel::parse(o_.kernel);
    s.lrSnrDb = parseSnr(o_.snrDb, "--snr-db");
    s.msiSnrDb = parseSnr(o_.msiSnrDb, "--msi-snr-db");
    s.seed = static_cast<std::uint64_t>(o_.seed);
    s.lrOut = o_.lrOut;
    s.msiOut = o_.msiOut;
    s.truthOut = o_.truthOut;
    if (!o_.resampleTo.empty())
      s.resampleTo = std::filesystem::exists(o_.resampleTo) ? readRasterInfo(o_.resampleTo).spectralBands()
                                                            : parseBandGrid(o_.resampleTo);
    s.write = o_.out.toWriteOptions("Float32");
    SimulationReport r = simulatePair(s, progress);
    if (!common.quiet) {
      for (const auto& w : r.warnings) std::cerr << "Warning: " << w << "\n";
      std::cerr << fmt::format("HR {}x{} -> LR {}x{} ({} bands), MSI bands: {}\n", r.hrCols, r.hrRows, r.lrCols,
                               r.lrRows, r.hsiBands, fmt::join(r.msiBands, " "));
    }
    return 0;
  }

 private:
  DegradeOptions o_;
};

}  // namespace

std::unique_ptr<Command> makeDegradeCommand() { return std::make_unique<DegradeCommand>(); }

}  // namespace hsifuse
