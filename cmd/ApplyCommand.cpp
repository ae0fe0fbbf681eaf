// hsi-fuse apply DIR LR_HSI HR_MSI OUTPUT --block I/N: one block of a saved adaptation's output (pipeline/ApplyJob.h).
#include <fmt/format.h>

#include <iostream>

#include "cmd/Command.h"
#include "cmd/CommonOptions.h"
#include "pipeline/ApplyJob.h"

namespace hsifuse {
namespace {

// The job's options plus the shared groups parsed into them.
struct ApplyCommandOptions {
  ApplyOptions job;
  DeviceOptions device;
  OutputOptions out;
};

class ApplyCommand : public Command {
 public:
  std::string name() const override { return "apply"; }
  std::string summary() const override {
    return "Write one block of a saved adaptation's output (adapt once, apply anywhere).";
  }
  std::string description() const override {
    return "DIR is a folder written by 'fuse --save-adaptation DIR' (the adapted module, the fusion module, P, the "
           "scaling, the first stage and the inputs' checksums; nothing scene-sized). LR_HSI and HR_MSI must be the "
           "files fuse read (their checksums are compared; their names may differ). Writes to OUTPUT block I of N of "
           "fuse's output: whole rows of the final pass's tiles, georeferenced where they lie, equal bit for bit to "
           "the "
           "same rows of the one-process output. Blocks can run on different machines (examples/slurm/) and be "
           "mosaicked with gdalbuildvrt. Each block reads both inputs whole, as fuse does.";
  }
  void declare(OptionTable& t) override {
    t.positional("DIR", &o_.job.dir, "Folder written by fuse --save-adaptation.")
        .positional("LR_HSI", &o_.job.lrPath, "The LR hyperspectral scene fuse read.")
        .positional("HR_MSI", &o_.job.msiPath, "The HR multispectral scene fuse read.")
        .positional("OUTPUT", &o_.job.outPath, "The block to write.")
        .text("block", &o_.job.block, "I/N", "Block I of N (whole rows of tiles; 1/1: the whole output).")
        .number("scale-to", &o_.job.scaleTo, "FACTOR", "As fuse --scale-to: values times FACTOR, band scale 1/FACTOR.")
        .range(0, 1e12);
    o_.device.declare(t);
    o_.out.declare(t, "Float32");
  }
  int run(const CommonOptions& common, const ProgressFn& progress) override {
    ApplyOptions j = o_.job;
    j.device = o_.device.apply();
    j.write = o_.out.toWriteOptions("Float32");
    const ApplyReport r = applyAdaptation(j, progress, common.log());
    if (!common.quiet)
      std::cerr << fmt::format("wrote {}: block {}/{}, HR rows {}-{} of the output ({} tiles)\n", j.outPath, r.block,
                               r.blocks, r.window.row, r.window.row + r.window.height - 1, r.tiles);
    return 0;
  }

 private:
  ApplyCommandOptions o_;
};

}  // namespace

std::unique_ptr<Command> makeApplyCommand() {
  return std::make_unique<ApplyCommand>();
}

}  // namespace hsifuse
