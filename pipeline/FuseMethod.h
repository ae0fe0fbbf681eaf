#pragma once
// The methods of `hsi-fuse fuse --method` and what each one needs, decided in one place.
#include <string>
#include <vector>

namespace hsifuse {

enum class FuseMethod {
  Ual,          // first stage + pretrained fusion module + per-scene adaptation with a learned kernel
  FixedKernel,  // the same with UAL's predefined 8 x 8 Gaussian (Table 1 ablation)
  Dip,          // a new, untrained fusion module trained on the scene alone (no pretraining)
  FusionOnly,   // the pretrained fusion module alone
  Gsa,
  GlpHs,   // MTF-GLP-HS, one MSI band per group
  GlpReg,  // MTF-GLP with a regression pan per HSI band (hyper-sharpening)
  Bicubic,
};

// Throws InputError naming --method for an unknown name.
FuseMethod parseFuseMethod(const std::string& name);
std::string methodName(FuseMethod m);
std::vector<std::string> methodNames();

// bicubic, GSA, GLP-HS, GLP-REG: no network, no model, no adaptation.
bool isClassical(FuseMethod m);
// ual, fixed-kernel, dip: the per-scene adaptation (and so a kernel, a stage file, adaptation steps) runs.
bool adaptsToScene(FuseMethod m);
// ual, fixed-kernel, fusion-only: a pretrained fusion module is looked up (--model, else a shipped one).
bool usesPretrainedModule(FuseMethod m);
// ual and fixed-kernel: --finetune may train the pretrained module during the adaptation.
bool canFinetune(FuseMethod m);

}  // namespace hsifuse
