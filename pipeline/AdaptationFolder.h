#pragma once
// What `fuse --save-adaptation DIR` writes and `hsi-fuse apply` reads (issue #15): everything the final pass needs
// and nothing scene-sized. DIR holds
//   manifest.json            the inputs' checksums, the grids, the bands, P, the radiometric scaling, the first
//                            stage (its classical fusion, GLP-HS's low-pass), the tile plan, the learned kernel
//   adaptation.safetensors   the adapted module's kept weights (data only; models/AdaptedModule.h)
//   fusion.safetensors(.json) the fusion module of the first stage, when one ran (data only, with its sidecar)
// apply refits the first stage's classical fusion on the same inputs (which the checksums guarantee): the fit is
// deterministic and needs the LR HSI and the MSI, which apply reads anyway.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lib/core/FileChecksum.h"
#include "lib/core/Window.h"
#include "lib/fusion/StageBlend.h"
#include "lib/spatial/BlurKernel.h"

namespace hsifuse {

class AdaptedModule;
class FusionModel;

inline constexpr const char* kAdaptationManifest = "manifest.json";

struct SavedInput {
  std::string option;  // LR_HSI, HR_MSI, --wavelengths
  std::string path;    // as given to fuse (apply may be given the same file under another name)
  FileChecksum checksum;
};

struct AdaptationManifest {
  std::string hsifuseVersion;
  std::string method;  // ual | fixed-kernel
  std::vector<SavedInput> inputs;
  // How fuse paired and read the grids (apply pairs them the same way and checks the result).
  int scale = 0;
  bool assumeAligned = false;
  std::string resampling = "bilinear";
  bool fixShift = false;
  std::optional<double> lrNodata, msiNodata;       // fuse's --lr-nodata / --msi-nodata
  std::optional<std::pair<double, double>> shift;  // the residual shift fuse estimated (dx, dy HR pixels)
  Window lrWindow;                      // the LR window the grids paired on (before a warped footprint's trim)
  Window hrWindow;                      // the output's extent on the MSI grid
  std::optional<Window> area;           // fuse's --srcwin/--projwin, as MSI pixels
  int fitAreaLr = 0;                    // fuse's --fit-area (0: the whole scene held)
  bool maskClouds = false;              // fuse's --mask-clouds
  std::vector<int> hsiBands, msiBands;  // 0-based, as kept
  std::vector<std::string> msiNames;
  std::vector<std::vector<double>> p;
  float peak = 1;             // the LR HSI was divided by it; the output multiplied
  std::vector<double> gains;  // per MSI band
  // Per MSI band, on top of gains: FuseScene::gainCorrection (empty: none; folders written before it have none).
  std::vector<double> gainCorrection;
  // The first stage and the adaptation.
  std::string stage1;              // the classical fusion: gsa | glp-hs | glp-reg | bicubic | blend
  BlurKernel mtf;                  // GLP-HS's low-pass (empty: the MTF-matched Gaussian)
  StageBlend blend;                // stage1 "blend": its parts and weights per HSI band
  bool fusionModule = false;       // fusion.safetensors holds the module run over the classical fusion
  std::string fusionModuleSource;  // where fuse took it from
  int tile = 0;                    // the first stage's and the final pass's tile side (HR pixels)
  BlurKernel kernel;               // the kernel the adaptation learned or kept (for the record)
  int stepsKept = 0;
  bool adapted = true;  // adaptation.safetensors holds the adapted module (not for the classical fusions)
};

// Writes DIR through a temporary folder (lib/core/AtomicOutput.h FolderWriter); `adapted` is null for the classical
// methods (their first stage is the output) and `module` without a fusion module.
void saveAdaptationFolder(const std::string& dir, const AdaptationManifest& manifest, const AdaptedModule* adapted,
                          const FusionModel* module);
// Reads and checks DIR's manifest; InputError naming the file for a missing or malformed one.
AdaptationManifest loadAdaptationManifest(const std::string& dir);
std::string adaptationFile(const std::string& dir, const std::string& name);

}  // namespace hsifuse
