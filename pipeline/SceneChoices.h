#pragma once
// The per-scene choices `fuse` makes before it adapts, with no ground truth (issue #12): the blur kernel
// (lib/spatial/SceneKernel.h: candidates scored on held-out LR pixels of D_k X = P Y) and the first stage
// (lib/fusion/FirstStageChoice.h: the matching fusion module and the classical fusions, scored at reduced resolution
// or by their consistency with the observations). Each returns its report entry too.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "lib/core/Cube.h"
#include "lib/fusion/FirstStageChoice.h"
#include "lib/spatial/SceneKernel.h"

namespace hsifuse {

class FusionModel;

// The scene's kernel from the normalised LR HSI y, the MSI x (matched to P y) and P's rows of the MSI bands flagged
// in `detail` (empty: all), estimated on those bands only: a band coarser than the grid, blurred by its own pixel,
// would widen the estimate.
SceneKernel sceneKernel(const Cube& y, const Cube& x, const std::vector<std::vector<double>>& sharpP,
                        const std::vector<bool>& detail, int scale, const std::vector<std::uint8_t>& lrValid,
                        std::uint64_t seed);
nlohmann::json kernelReport(const SceneKernel& k, bool learned);

// The first stage's candidates on this scene, in order of preference: "model" (the fusion module on its sidecar's
// input, when `model` is given; first only where its sidecar shows it beat the classical fusions on held-out cubes,
// else last), "glp-reg", "gsa" and "glp-hs" (the GLP ones with the MTF that sceneKernel estimates on the pair they
// fuse, as fuse estimates it on the scene, once per pair; sharpP: P's rows of the sharp MSI bands), the three
// classical ones the parts of the choice's "blend"; the classical fusions take detail from the MSI bands flagged in
// `detail` (empty: all). A `known` kernel (fuse --kernel SPEC) is the GLP fusions' MTF on every pair instead.
std::vector<StageCandidate> stageCandidates(const FusionModel* model, const std::vector<std::vector<double>>& sharpP,
                                            int scale, const std::string& device, int tile,
                                            const std::vector<bool>& detail = {}, std::uint64_t seed = 0,
                                            const std::optional<BlurKernel>& known = std::nullopt);
nlohmann::json stageReport(const StageChoice& c);
// The blend's parts, each part's mean weight and the weights per HSI band.
nlohmann::json blendReport(const StageBlend& b);

}  // namespace hsifuse
