#pragma once
// A pretrained fusion module on disk: its weights as data only (lib/core/TensorFile.h, safetensors layout; never a
// PyTorch archive, which can run code when loaded) and its JSON sidecar (FILE.json) describing what it was trained
// for. Torch-free interface.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lib/core/Cube.h"
#include "lib/core/Progress.h"
#include "lib/core/WindowSource.h"
#include "lib/spectral/SpectralBand.h"
#include "models/Adaptation.h"

namespace hsifuse {

struct FusionModelInfo {
  std::string architecture = "ual-fusion-v1";
  int width = 32;
  int depth = 3;
  int scale = 8;
  std::string stage1 = "bicubic";  // what feeds the HSI branch: "bicubic" or "gsa"
  std::vector<SpectralBand> hsiBands;
  std::vector<std::string> msiBands;
  std::vector<std::vector<double>> p;
  std::vector<std::string> trainingData;
  std::string command;
  std::string version;
  int steps = 0;
  double validationPsnr = 0;        // on the held-back cube, dB (UAL PSNR)
  double validationPsnrStage1 = 0;  // the stage-1 input alone on the same cube
  // Leave-one-cube-out evidence (bench/loco_train.sh, issue #12): the module alone against the best classical
  // fusion on Wald pairs of cubes it neither trained nor validated on. Without it (heldOutPairs 0), when the module
  // loses, or when it was not compared with every classical fusion `fuse` now offers, it is not the first stage
  // `fuse` falls back to where a scene is too small to score the candidates; it stays a candidate the per-scene
  // choice can pick.
  int heldOutPairs = 0;
  double heldOutGainDb = 0;  // the module's mean PSNR minus the best classical fusion's mean PSNR there, dB
  std::string heldOutEvidence;
  // The classical fusions that gain was measured against (a sidecar without the list: GSA and GLP-HS, all there was).
  std::vector<std::string> heldOutComparedWith{"gsa", "glp-hs"};

  // Held-out evidence of a gain over every one of the classical fusions `offered` (their --stage1 names).
  bool beatsClassicalHeldOut(const std::vector<std::string>& offered) const;

  std::string toJson() const;
  static FusionModelInfo fromJson(const std::string& text, const std::string& source);
  // Reads MODEL.json alone (no weights): enough to choose a model.
  static FusionModelInfo loadSidecar(const std::string& modelPath);
  // Throws InputError saying what differs when the scene's bands, MSI bands or scale do not match.
  void checkCompatible(const std::vector<SpectralBand>& hsiBands, const std::vector<std::string>& msiBands,
                       int scale) const;
};

class FusionModel {
 public:
  // A new, randomly initialised module (seeded).
  FusionModel(FusionModelInfo info, std::uint64_t seed);
  // Loads FILE and FILE.json; throws InputError naming the file for a missing, truncated or foreign file.
  static FusionModel load(const std::string& path);
  FusionModel(FusionModel&&) noexcept;
  FusionModel& operator=(FusionModel&&) noexcept;
  ~FusionModel();

  const FusionModelInfo& info() const { return info_; }
  FusionModelInfo& info() { return info_; }
  // Writes FILE and FILE.json through temporary names.
  void save(const std::string& path, bool overwrite) const;
  void checkCompatible(const std::vector<SpectralBand>& hsiBands, const std::vector<std::string>& msiBands,
                       int scale) const {
    info_.checkCompatible(hsiBands, msiBands, scale);
  }
  // msi: b x H x W, stage1: B x H x W (both on the normalised scale the model was trained on).
  // tileSize > 0 runs the network tile by tile (lib/spatial/TilePlan.h) with a halo of receptiveRadius() pixels,
  // which gives the whole-scene result with memory that follows the tile size.
  Cube infer(const Cube& msi, const Cube& stage1, const std::string& device = "cpu", int tileSize = 0,
             const ProgressFn& progress = {}) const;
  // The module's output window by window, for scenes streamed in tiles: each window is computed from the MSI
  // and stage-1 pixels around it (receptiveRadius() of context, clipped at the scene border), so it equals the
  // same pixels of infer() on the whole scene. What `msi` and `stage1` read from must outlive the source.
  WindowSource outputSource(const WindowSource& msi, const WindowSource& stage1,
                            const std::string& device = "cpu") const;
  // Pixels of context one output pixel depends on, per side: M mapping convs, M guidance convs, the output conv.
  int receptiveRadius() const { return receptiveRadiusOfDepth(info_.depth); }

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  FusionModelInfo info_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hsifuse
