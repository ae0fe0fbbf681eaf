// hsi-fuse eval REFERENCE ESTIMATE: full-reference metrics as the UAL paper and the toolboxes compute them.
#include <iostream>

#include "cmd/Command.h"
#include "pipeline/QualityJob.h"

namespace hsifuse {
namespace {

struct EvalCommandOptions {
  EvalOptions eval;
  bool json = false;
};

class EvalCommand : public Command {
 public:
  std::string name() const override { return "eval"; }
  std::string summary() const override {
    return "Full-reference quality of a fused cube (RMSE, PSNR, SAM, SSIM, ERGAS, UIQI, Q2n).";
  }
  std::string description() const override {
    return "Compares ESTIMATE with REFERENCE (same size; same geotransform and CRS when both have them, unless "
           "--assume-aligned). Both are first divided by the reference's max - min (the UAL paper's normalisation; "
           "--normalise none or a number to change it). RMSE is on the 8-bit scale; psnr is UAL's whole-cube PSNR on "
           "8-bit rounded data; psnr_band_mean the per-band mean with peak 1; sam in degrees (UAL's convention on "
           "rounded data, and the toolbox's on float data as sam_float); ssim UAL's (11x11 Gaussian, zero padding); "
           "ERGAS with --ratio; UIQI (Wang-Bovik, sliding box window); Q2n (Garzelli-Nencini, on the float data). "
           "Pixels that are nodata or NaN in either cube are left out: pixel-wise metrics use the valid pixels only, "
           "SSIM and UIQI leave out the windows and Q2n the blocks that reach an invalid pixel; where no window "
           "(block) is "
           "left, that metric is reported as unavailable (null in JSON, n/a in text, a warning on stderr) and the "
           "others still are.";
  }
  void declare(OptionTable& t) override {
    t.positional("REFERENCE", &o_.eval.reference, "Ground truth cube.")
        .positional("ESTIMATE", &o_.eval.estimate, "Fused cube.")
        .number("ratio", &o_.eval.ratio, "S", "Resolution ratio for ERGAS (0: ERGAS not computed).")
        .range(0, 1000)
        .text("normalise", &o_.eval.normalise, "MODE",
              "paper (divide by the reference's max - min), none, or a number.")
        .flag("assume-aligned", 0, &o_.eval.assumeAligned, "Compare pixel grids without checking georeferencing.")
        .integer("uiqi-window", &o_.eval.uiqiWindow, "N", "Sliding window of UIQI (img_qi uses 8, HySure 32).")
        .range(2, 4096)
        .integer("q2n-block", &o_.eval.q2nBlock, "N", "Block size and shift of Q2n.")
        .range(2, 4096)
        .flag("json", 0, &o_.json, "Print one JSON document.")
        .text("per-band", &o_.eval.perBandPath, "CSV", "Write per-band RMSE, PSNR and SSIM to CSV.")
        .flag("overwrite", 0, &o_.eval.overwrite, "Replace the --per-band file if it exists.");
  }
  int run(const CommonOptions& common, const ProgressFn& progress) override {
    const EvalResult r = evaluateFiles(o_.eval, progress);
    if (!common.quiet)
      for (const auto& w : r.warnings) std::cerr << "Warning: " << w << "\n";
    std::cout << (o_.json ? r.json() : r.text());
    return 0;
  }

 private:
  EvalCommandOptions o_;
};

}  // namespace

std::unique_ptr<Command> makeEvalCommand() {
  return std::make_unique<EvalCommand>();
}

}  // namespace hsifuse
