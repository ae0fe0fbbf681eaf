// hsi-fuse score FUSED [--lr LR_HSI --msi HR_MSI]: no-reference quality (HSI-ILNIQE, QNR, HQNR);
// hsi-fuse score --train CUBES... --out MODEL.json: the pristine model behind it.
#include <iostream>

#include "cmd/Command.h"
#include "lib/core/Error.h"
#include "pipeline/QualityJob.h"

namespace hsifuse {
namespace {

// The two jobs' own options (pipeline/QualityJob.h); --srf, --pan-bands and --normalise serve both.
struct ScoreCommandOptions {
  ScoreOptions score;
  ScoreTrainingOptions training;
  bool json = false;
  bool noAugment = false;
};

class ScoreCommand : public Command {
 public:
  std::string name() const override { return "score"; }
  std::string summary() const override { return "No-reference quality of a fused cube (HSI-ILNIQE score, QNR, HQNR)."; }
  std::string description() const override {
    return "Scores FUSED without ground truth: the HSI-ILNIQE score (a reproducible variant of Yang et al. 2017, the "
           "no-reference method the UAL paper uses: natural-scene statistics per block against a pristine Gaussian "
           "model; "
           "lower is better), and with --lr and --msi the QNR family (D_lambda, D_s, QNR; Khan's D_lambda and HQNR). "
           "FUSED is first divided by its max - min (--normalise). The panchromatic image of the score weights the "
           "bands "
           "by the mean of the --pan-bands responses of --srf (uniform when the cube has no wavelengths). "
           "With --train, fits a pristine model to the given cubes (the shipped one is share/quality/"
           "hsi_ilniqe_pristine.json, with the list of its cubes).";
  }
  void declare(OptionTable& t) override {
    t.positional("FUSED", &o_.score.fused, "Cube to score (not used with --train).", false)
        .text("lr", &o_.score.lr, "LR_HSI", "The low-resolution HSI FUSED was made from (for QNR).")
        .text("msi", &o_.score.msi, "HR_MSI", "The high-resolution MSI FUSED was made from (for QNR).")
        .text("model", &o_.score.model, "JSON", "Pristine model (default: the shipped one).")
        .text("srf", &o_.score.srf, "NAME|CSV", "Responses that weight the panchromatic image.")
        .text("pan-bands", &o_.score.panBands, "LIST",
              "Bands of --srf averaged into the panchromatic weights (\"\" = all).")
        .text("normalise", &o_.score.normalise, "MODE", "paper (divide by max - min), none, or a number.")
        .text("kernel", &o_.score.kernel, "SPEC",
              "LR sensor blur for QNR (default: the Gaussian matched to an MTF of 0.29 at Nyquist).")
        .integer("qnr-block", &o_.score.qnrBlock, "N", "Block size of the Q indices in QNR.")
        .range(2, 4096)
        .flag("assume-aligned", 0, &o_.score.assumeAligned,
              "Plain pixel grids: LR pixel (i, j) covers FUSED pixels s*i.., s*j...")
        .flag("json", 0, &o_.json, "Print one JSON document.")
        .list("train", &o_.training.cubes, "CUBE", "Fit a pristine model to these cubes instead of scoring.")
        .text("out", &o_.training.out, "JSON", "Where --train writes the model.")
        .integer("block", &o_.training.features.blockSize, "N", "Block size of a model fitted with --train.")
        .range(2, 4096)
        .flag("all-gradients", 0, &o_.training.features.allGradients,
              "With --train: x and y gradient features (default: y only).")
        .flag("no-augment", 0, &o_.noAugment, "With --train: no dihedral transforms or half-block strides.")
        .flag("overwrite", 0, &o_.training.overwrite, "Replace the --out file if it exists.");
  }
  int run(const CommonOptions&, const ProgressFn& progress) override {
    if (!o_.training.cubes.empty()) {
      if (o_.training.out.empty()) throw InputError("--train needs --out MODEL.json");
      if (!o_.score.fused.empty())
        throw InputError("give either FUSED (to score) or --train (to fit a model), not both");
      ScoreTrainingOptions t = o_.training;
      t.augment = !o_.noAugment;
      t.srf = o_.score.srf;
      t.panBands = o_.score.panBands;
      t.normalise = o_.score.normalise;
      std::cout << trainScoreModel(t, progress) << "\n";
      return 0;
    }
    if (o_.score.fused.empty())
      throw InputError("give the cube to score (FUSED), or --train CUBES... --out MODEL.json");
    const ScoreResult r = scoreFiles(o_.score, progress);
    std::cout << (o_.json ? r.json() : r.text());
    return 0;
  }

 private:
  ScoreCommandOptions o_;
};

}  // namespace

std::unique_ptr<Command> makeScoreCommand() {
  return std::make_unique<ScoreCommand>();
}

}  // namespace hsifuse
