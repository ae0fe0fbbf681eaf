// hsi-fuse eval REFERENCE ESTIMATE: full-reference metrics as the UAL paper computes them.
#include <fmt/format.h>

#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cmd/Command.h"
#include "geo/GridRelation.h"
#include "geo/RasterDataset.h"
#include "lib/AtomicOutput.h"
#include "lib/Error.h"
#include "lib/Metrics.h"
#include "lib/Text.h"

namespace hsifuse {
namespace {

struct EvalOptions {
  std::string reference, estimate;
  double ratio = 0;
  std::string normalise = "paper";
  bool assumeAligned = false;
  bool json = false;
  std::string perBand;
  bool overwrite = false;
};

Cube bandOf(const Cube& c, int b) {
  Cube out(1, c.rows, c.cols);
  std::copy_n(c.band(b), c.planeSize(), out.data.begin());
  return out;
}

class EvalCommand : public Command {
 public:
  std::string name() const override { return "eval"; }
  std::string summary() const override { return "Full-reference quality of a fused cube (RMSE, PSNR, SAM, SSIM, ERGAS)."; }
  std::string description() const override {
    return "Compares ESTIMATE with REFERENCE (same size; same geotransform and CRS when both have them, unless "
           "--assume-aligned). Both are first divided by the reference's max - min (the UAL paper's normalisation; "
           "--normalise none or a number to change it). RMSE is on the 8-bit scale; psnr is UAL's whole-cube PSNR on "
           "8-bit rounded data; psnr_band_mean the per-band mean with peak 1; sam in degrees (UAL's convention on "
           "rounded data, and the toolbox's on float data as sam_float); ssim UAL's (11x11 Gaussian, zero padding); "
           "ERGAS with --ratio.";
  }
  void declare(OptionTable& t) override {
    t.positional("REFERENCE", &o_.reference, "Ground truth cube.")
        .positional("ESTIMATE", &o_.estimate, "Fused cube.")
        .number("ratio", &o_.ratio, "S", "Resolution ratio for ERGAS (0: ERGAS not computed).")
        .text("normalise", &o_.normalise, "MODE", "paper (divide by the reference's max - min), none, or a number.")
        .flag("assume-aligned", 0, &o_.assumeAligned, "Compare pixel grids without checking georeferencing.")
        .flag("json", 0, &o_.json, "Print one JSON document.")
        .text("per-band", &o_.perBand, "CSV", "Write per-band RMSE, PSNR and SSIM to CSV.")
        .flag("overwrite", 0, &o_.overwrite, "Replace the --per-band file if it exists.");
  }
  int run(const CommonOptions&, const ProgressFn&) override {
    if (!o_.perBand.empty()) checkOutputPath(o_.perBand, o_.overwrite, "--per-band");
    RasterDataset ref = RasterDataset::open(o_.reference), est = RasterDataset::open(o_.estimate);
    const RasterInfo &a = ref.info(), &b = est.info();
    if (a.width != b.width || a.height != b.height || a.bandCount() != b.bandCount())
      throw InputError(fmt::format("{} is {}x{}x{} but {} is {}x{}x{} (columns x rows x bands)", o_.reference, a.width,
                                   a.height, a.bandCount(), o_.estimate, b.width, b.height, b.bandCount()));
    if (!o_.assumeAligned && a.geotransform && b.geotransform) {
      for (int k = 0; k < 6; ++k)
        if (std::fabs((*a.geotransform)[k] - (*b.geotransform)[k]) > 1e-6 * std::max(1.0, std::fabs((*a.geotransform)[k])))
          throw InputError("the two grids differ (geotransform): compare on the same grid, or pass --assume-aligned");
      relateGrids(a, b);  // CRS on one side only is an error
    }
    Cube g = ref.read(), f = est.read();
    double scale = 1.0;
    if (o_.normalise == "paper") {
      float lo = g.data[0], hi = g.data[0];
      for (float v : g.data) lo = std::min(lo, v), hi = std::max(hi, v);
      scale = hi > lo ? 1.0 / (hi - lo) : 1.0;
    } else if (o_.normalise != "none") {
      scale = 1.0 / parseDouble(o_.normalise, "--normalise");
    }
    for (float& v : g.data) v = static_cast<float>(v * scale);
    for (float& v : f.data) v = static_cast<float>(v * scale);

    nlohmann::json j{{"rmse8", rmse8(g, f)},        {"psnr", psnrUal(g, f)},   {"psnr_band_mean", psnrBandMean(g, f)},
                     {"sam", samUal(g, f)},         {"sam_float", samDegrees(g, f)},
                     {"ssim", ssimUal(g, f)},       {"ergas", o_.ratio > 0 ? nlohmann::json(ergas(g, f, o_.ratio)) : nlohmann::json(nullptr)},
                     {"normalisation_factor", scale}};
    if (!o_.perBand.empty()) {
      std::string csv = "band,wavelength_nm,rmse8,psnr_peak1,ssim\n";
      for (int k = 0; k < g.bands; ++k) {
        Cube gb = bandOf(g, k), fb = bandOf(f, k);
        csv += fmt::format("{},{},{:.6f},{:.6f},{:.6f}\n", k + 1,
                           a.bands[k].spectral.hasWavelength() ? fmt::format("{:.2f}", a.bands[k].spectral.wavelengthNm) : "",
                           rmse8(gb, fb), psnrCube(gb, fb), ssimUal(gb, fb));
      }
      writeTextFileAtomically(o_.perBand, csv, o_.overwrite, "--per-band");
    }
    if (o_.json) {
      std::cout << j.dump(2) << "\n";
    } else {
      std::cout << fmt::format("RMSE (8-bit): {:.4f}\nPSNR:         {:.4f} dB (UAL, whole cube, 8-bit rounded)\n"
                               "PSNR (bands): {:.4f} dB (per-band mean, peak 1)\nSAM:          {:.4f} deg (UAL)\n"
                               "SAM (float):  {:.4f} deg\nSSIM:         {:.5f}\n",
                               j["rmse8"].get<double>(), j["psnr"].get<double>(), j["psnr_band_mean"].get<double>(),
                               j["sam"].get<double>(), j["sam_float"].get<double>(), j["ssim"].get<double>());
      if (o_.ratio > 0) std::cout << fmt::format("ERGAS:        {:.4f} (ratio {:g})\n", j["ergas"].get<double>(), o_.ratio);
    }
    return 0;
  }

 private:
  EvalOptions o_;
};

}  // namespace

std::unique_ptr<Command> makeEvalCommand() { return std::make_unique<EvalCommand>(); }

}  // namespace hsifuse
