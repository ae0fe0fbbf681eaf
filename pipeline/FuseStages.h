#pragma once
// The stages of `hsi-fuse fuse`, in the order pipeline/FusionJob.cpp runs them. Each takes what the stages
// before it decided and returns what the ones after it need, with its entries of the JSON report; each can be
// called (and is tested) without the binary.
//
//   1. checkFuseOptions   options and output names, before anything is opened
//   2. openInputs         the rasters opened, the HSI bands selected, the grids paired (pipeline/GridPairing.h)
//   3. buildResponse      the MSI bands in use and the matrix P
//   4. chooseModel        the fusion module: --model, else the shipped one whose sidecar matches
//   5. planFuseMemory     the tile side and the report's window from --ram (pipeline/MemoryPlan.h)
//   6. readScene          the overlap read, nodata masked and filled, brought to one radiometric scale
//   7. prepareFirstStage  the scene's kernel, the first stage chosen and its source of windows
//   8. runOnScene         the first stage streamed out, or computed once (in memory or a temporary file) and
//                         adapted (the output streamed)
//   9. (pipeline/FuseOutput.h) the report's quality section, the side outputs; (pipeline/AdaptationFolder.h) the
//      adaptation saved for `hsi-fuse apply`
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "geo/RasterDataset.h"
#include "geo/RasterWriter.h"
#include "geo/Sentinel2Product.h"
#include "lib/core/Cube.h"
#include "lib/core/PixelMask.h"
#include "lib/core/WindowSource.h"
#include "lib/fusion/ClassicalFusion.h"
#include "lib/fusion/StageBlend.h"
#include "lib/spatial/BlurKernel.h"
#include "lib/spatial/SceneKernel.h"
#include "lib/spectral/BandSelection.h"
#include "lib/spectral/SpectralResponse.h"
#include "models/AdaptedModule.h"
#include "models/FusionModel.h"
#include "pipeline/FuseMethod.h"
#include "pipeline/FusionJob.h"
#include "pipeline/GridPairing.h"
#include "pipeline/MemoryPlan.h"

namespace hsifuse {

struct SceneReading;  // pipeline/SceneWindows.h

// Messages held back until every input check has passed, so that bad input gets only its one-line error.
class FuseLog {
 public:
  explicit FuseLog(LogFn log) : log_(std::move(log)) {}
  void say(const std::string& message);
  // The checks have passed: what was held goes out, and later messages go straight out.
  void release();

 private:
  LogFn log_;
  std::vector<std::string> pending_;
  bool released_ = false;
};

// 1. Throws InputError for a bad option or an output that names an input (lib/core/AtomicOutput.h checkOutputs).
FuseMethod checkFuseOptions(const FuseOptions& o);

// 2.
struct FuseInputs {
  RasterDataset lr, msi;    // lr reads the warped VRT when co-registration was needed
  TemporaryFile warpedVrt;  // that VRT, removed with the inputs
  BandSelection hsiSelection;
  RasterInfo hsi;  // the kept HSI bands, with wavelengths
  GridPairing grid;
  // HR_MSI named a Sentinel-2 product: msi reads the VRT of the bands --msi-bands names (default B2,B3,B4,B8), in
  // reflectance (geo/Sentinel2Product.h).
  std::optional<Sentinel2Product> sentinel2;
  std::optional<RasterDataset> msiMask;  // --mask-clouds: 1 where the MSI is left out, on its grid
};
FuseInputs openInputs(const FuseOptions& o, long long stamp);

// 3. With --srf estimate, P holds placeholder rows until readScene fits it on the scene.
struct MsiResponse {
  std::vector<int> msiKeep;           // 0-based MSI bands in use
  std::vector<std::string> msiNames;  // their names (descriptions, else "band N")
  SpectralResponse p;
  bool estimate = false;
};
MsiResponse buildResponse(const FuseOptions& o, const FuseInputs& in, FuseLog& log);

// 4. Without a match, ual and fixed-kernel go on with a classical first stage alone (--model none).
struct ChosenModel {
  std::optional<FusionModel> model;
  std::string path;  // "none" without a model
};
ChosenModel chooseModel(const FuseOptions& o, FuseMethod method, const std::vector<SpectralBand>& hsiBands,
                        const std::vector<std::string>& msiBands, int scale, FuseLog& log);

// 5. `report` gets "tiles".
MemoryPlan planFuseMemory(const FuseOptions& o, FuseMethod method, const FuseInputs& in, const MsiResponse& r,
                          const ChosenModel& chosen, nlohmann::json& report, FuseLog& log);

// 6. The scene brought to one radiometric scale: the LR HSI divided by `peak`, each MSI band matched to P y, invalid
// pixels filled with their band's mean and flagged in the masks (empty: all valid). Fits (P, gains, shift, kernel,
// first stage) and the adaptation's steps use the part held in memory (`fit`): the whole scene up to --fit-area LR
// pixels, else its part of that area with the most valid pixels; the first stage and the final pass read the whole
// scene window by window (`lr`, `hr`). Releases `log` once every input check passed. `report` gets "nodata",
// "radiometry", "P", "shift", "fit_area" and (after a trim) "hr_window". A share of pixels exactly 0 in every band,
// with no nodata declared, that is worth a warning (likely fill).
inline constexpr double kFillShareForWarning = 0.05;
// A residual shift of the MSI against the HSI, (dx, dy) in HR pixels.
using HrShift = std::pair<double, double>;

// The part of the scene held and fitted on.
struct SceneFit {
  Cube y, x;
  PixelMask lrValid, hrValid;
  Window lr;  // y's window in the scene's LR pixels
};

struct FuseScene {
  std::shared_ptr<const SceneFit> fit;
  // The whole scene, window by window, with fit's scaling: crops of fit, or (partial) reads of the files of the
  // FuseInputs it was read from, which must outlive it.
  WindowSource lr, hr;
  PixelMask hrValid;  // the whole scene's HR mask (empty: all valid)
  float peak = 1;
  int scale = 1;
  Window hrWin;  // the HR window of the MSI fused (the output's extent)
  std::vector<std::vector<double>> p;
  std::vector<double> gains;  // the MSI bands' radiometric gains (block means, lib/spectral/Radiometry.h)
  // Per MSI band, the factor applied on top of `gains` once the scene's kernel is known (kernelGainCorrection; empty:
  // none yet). Kept apart from `gains`, which `apply` compares to tell that it reads the inputs as fuse did.
  std::vector<double> gainCorrection;
  std::optional<HrShift> shift;  // the residual shift estimated (none on scenes under 16 HR pixels across)
  // Per MSI band: its native pixel over the HR pixel, rounded (1: sharp on the grid; 2: a 20 m Sentinel-2 band on
  // the 10 m grid). Bands over 1 lend the fusion their spectra, not spatial detail: the classical first stages take
  // detail from the sharp bands only, the kernel is estimated on them, and the adaptation compares P Z with such a
  // band at its native resolution. Empty: all sharp.
  std::vector<int> msiNativeRatio;
  std::vector<bool> msiDetailBands() const;
  std::vector<std::vector<double>> sharpRowsOfP() const;
  // Whether fit is a part of the scene only; fit's window on the HR grid.
  bool partial() const { return fit->lr.width * scale != hrWin.width || fit->lr.height * scale != hrWin.height; }
  Window fitHr() const { return scaledBy(fit->lr, scale); }
  // Multiplies MSI band b by factors[b] from now on, in the part held and in every window read later, and records
  // them in gainCorrection.
  void correctMsiGains(const std::vector<double>& factors);

 private:
  friend FuseScene readScene(const FuseOptions&, FuseInputs&, MsiResponse&, nlohmann::json&, FuseLog&,
                             const std::optional<HrShift>&);
  // The only writers of the scene's MSI (correctMsiGains): the part held (the object `fit` points to) and how a
  // partial scene's windows are read.
  std::shared_ptr<SceneFit> heldFit_;
  std::shared_ptr<SceneReading> reading_;
};
// knownShift: a shift recorded earlier (apply), used instead of estimating it again.
FuseScene readScene(const FuseOptions& o, FuseInputs& in, MsiResponse& r, nlohmann::json& report, FuseLog& log,
                    const std::optional<HrShift>& knownShift = std::nullopt);

// 7. What feeds the adaptation (or is the output): the classical fusion fitted on the scene and, when a fusion module
// runs, its output over it. `report` gets "first_stage" (the choice's scores) and "model".
struct FirstStage {
  std::string name;                   // bicubic | gsa | glp-hs | glp-reg | blend: the classical part
  std::optional<SceneKernel> kernel;  // the scene's kernel (methods that adapt, and fusion-only's auto choice)
  BlurKernel mtf;                     // GLP-HS's low-pass (empty: the MTF-matched Gaussian)
  StageBlend blend;                   // name "blend": the classical fusions mixed and their weights per band
  std::vector<std::unique_ptr<ClassicalFusion>> classical;  // stable addresses: the sources read through them
  WindowSource classicalSource, source;  // source: Z~ (or, when the module trains in the loop, its input)
  bool moduleApplied = false;            // source runs the fusion module
};
FirstStage prepareFirstStage(const FuseOptions& o, FuseMethod method, ChosenModel& chosen, FuseScene& scene, int tile,
                             nlohmann::json& report, nlohmann::json& seconds);
// The sources of a first stage whose name and mtf (and blend) are set: the classical fusion fitted on the scene (for
// "blend", each part fitted and the windows mixed), then `module`
// over it when given (it must outlive the sources). Shared with `hsi-fuse apply`.
void attachFirstStageSources(FirstStage& first, const FuseScene& scene, const FusionModel* module,
                             const std::string& device);

// `source` with its windows that hold no valid HR pixel left uncomputed (zeros: the output writes them as nodata).
WindowSource skippingEmptyWindows(const WindowSource& source, const PixelMask& hrValid);

// 8. Every output tile goes to `output`. For the methods that adapt, the kernel the adaptation learned or kept and the
// adapted module (none otherwise). `report` gets "adaptation" and "kernel_choice".
struct SceneRun {
  std::optional<BlurKernel> kernel;
  std::shared_ptr<AdaptedModule> adapted;
};
SceneRun runOnScene(const FuseOptions& o, FuseMethod method, ChosenModel& chosen, FirstStage& first,
                    const FuseScene& scene, const MemoryPlan& memory, const WindowSink& output,
                    const ProgressFn& progress, nlohmann::json& report, nlohmann::json& seconds);

}  // namespace hsifuse
