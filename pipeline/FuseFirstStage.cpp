// Stage 7 of fuse (pipeline/FuseStages.h): the scene's kernel and the first stage.
#include <fmt/format.h>

#include <chrono>

#include "lib/core/Error.h"
#include "lib/spectral/Radiometry.h"
#include "pipeline/FuseStages.h"
#include "pipeline/SceneChoices.h"
#include "pipeline/Stopwatch.h"

namespace hsifuse {
namespace {

using nlohmann::json;
// The first stage of ual and fixed-kernel (issue #12): --stage1 auto scores the matching fusion module, GSA and GLP-HS
// on the scene itself, with a band-by-band blend of the two classical ones, and keeps the best; a classical name forces
// that fusion without a module, "model" forces the module. Fine-tuning needs the module; dip trains a new one on the
// bicubic upsampling. The module is dropped (chosen.model reset) when a classical fusion is chosen instead. `known`:
// the kernel --kernel SPEC gives (GLP-HS's MTF on the reduced pairs too).
std::string firstStageName(const FuseOptions& o, FuseMethod method, ChosenModel& chosen, const FuseScene& scene,
                           const std::optional<SceneKernel>& kernel, const std::optional<BlurKernel>& known, int tile,
                           StageBlend& blend, json& report, json& seconds) {
  std::optional<FusionModel>& model = chosen.model;
  if (isClassical(method)) return methodName(method);
  if (method == FuseMethod::Dip) return o.stage1 == "auto" ? "bicubic" : o.stage1;
  if (o.stage1 == "model" || o.finetune || method == FuseMethod::FusionOnly) {
    if (!model) throw InputError("--stage1 model: no fusion module matches this scene; pass --model FILE");
    return model->info().stage1;
  }
  if (o.stage1 != "auto") {
    if (model) chosen.path = "none (--stage1 " + o.stage1 + ")";
    model.reset();
    return o.stage1;
  }
  const auto t0 = Clock::now();
  const StageChoice choice =
      chooseFirstStage(stageCandidates(model ? &*model : nullptr, scene.sharpRowsOfP(), scene.scale, o.device, tile,
                                       scene.msiDetailBands(), o.seedValue(), known),
                       scene.fit->y, scene.fit->x, scene.p, kernel->kernel, scene.scale, o.seedValue());
  report["first_stage"] = stageReport(choice);
  seconds["first_stage_choice"] = secondsSince(t0);
  if (choice.chosen == "model") return model->info().stage1;
  if (choice.chosen == kBlendStage) blend = choice.blend;
  if (model) chosen.path = "none (the first-stage choice preferred " + choice.chosen + ")";
  model.reset();
  return choice.chosen;
}

}  // namespace

void attachFirstStageSources(FirstStage& first, const FuseScene& scene, const FusionModel* module,
                             const std::string& device) {
  const bool blended = first.name == kBlendStage;
  if (blended && first.blend.weights.size() != static_cast<std::size_t>(scene.lr.bands))
    throw InputError("the first stage's blend has no weights for these HSI bands");
  first.classical.clear();
  for (const std::string& part : blended ? first.blend.parts : std::vector<std::string>{first.name})
    first.classical.push_back(std::make_unique<ClassicalFusion>(ClassicalFusion::parseMethod(part, "--stage1"),
                                                                scene.fit->y, scene.fit->x, scene.lr, scene.hr,
                                                                scene.scale, first.mtf, scene.msiDetailBands()));
  std::vector<const ClassicalFusion*> parts;
  for (const auto& c : first.classical) parts.push_back(c.get());
  first.classicalSource = {scene.lr.bands, scene.hr.rows, scene.hr.cols,
                           [parts, blended, weights = first.blend.weights](const Window& w) {
                             if (!blended) return parts.front()->window(w);
                             std::vector<Cube> z;
                             for (const ClassicalFusion* c : parts) z.push_back(c->window(w));
                             return blendCubes(z, weights);
                           }};
  first.source = module ? module->outputSource(scene.hr, first.classicalSource, device) : first.classicalSource;
  first.moduleApplied = module != nullptr;
}

FirstStage prepareFirstStage(const FuseOptions& o, FuseMethod method, ChosenModel& chosen, FuseScene& scene, int tile,
                             json& report, json& seconds) {
  FirstStage first;
  const int s = scene.scale;
  // The scene's blur kernel, chosen on held-out LR pixels (pipeline/SceneChoices.h): the degradation the adaptation
  // starts from, and the one the first-stage choice degrades with. A kernel the user gives (--kernel SPEC) is
  // imposed: the candidates are still scored against it in the report, but the given one is used everywhere.
  std::optional<BlurKernel> known;
  if (o.kernel != "auto") known = BlurKernel::parse(o.kernel);
  if (adaptsToScene(method) || (method == FuseMethod::FusionOnly && o.stage1 == "auto")) {
    const auto t0 = Clock::now();
    first.kernel = sceneKernel(scene.fit->y, scene.fit->x, scene.sharpRowsOfP(), scene.msiDetailBands(), s,
                               scene.fit->lrValid, o.seedValue());
    if (known) first.kernel->impose("given", *known, "--kernel " + o.kernel);
    // The MSI's gains matched through that kernel rather than block means (lib/spectral/Radiometry.h), before
    // anything compares the two observations: the first-stage choice's reduced pairs and the adaptation's loss.
    const std::vector<double> correction =
        kernelGainCorrection(scene.fit->x, scene.fit->y, scene.p, first.kernel->kernel, s, scene.fit->lrValid);
    scene.correctMsiGains(correction);
    report["radiometry"]["msi_kernel_correction"] = correction;
    seconds["kernel_choice"] = secondsSince(t0);
  }
  first.name = firstStageName(o, method, chosen, scene, first.kernel, known, tile, first.blend, report, seconds);
  // GLP-HS's MTF: the scene's kernel where it was chosen (the candidate that was scored; a given kernel is imposed
  // on it), else the given kernel, else (empty) the MTF-matched Gaussian.
  first.mtf = first.kernel ? first.kernel->kernel : known.value_or(BlurKernel{});
  attachFirstStageSources(first, scene, nullptr, o.device);
  // GLP-REG upsamples the LR HSI on its signal subspace: how many directions it kept says how much it smoothed.
  for (const auto& part : first.classical)
    if (part->signalRank() > 0)
      report["glp_reg"] = {{"signal_rank", part->signalRank()},
                           {"bands", scene.lr.bands},
                           {"measure",
                            "HySime: directions whose power exceeds twice their noise and the noise's "
                            "sample spread"}};
  if (isClassical(method)) return first;
  std::optional<FusionModel>& model = chosen.model;
  const bool dip = method == FuseMethod::Dip;
  if (dip) {
    // The "no pretraining" ablation: a new fusion module, trained only by the scene's own observations.
    FusionModelInfo info;
    info.width = o.dipWidth;
    info.scale = s;
    info.stage1 = first.name;
    info.hsiBands.resize(scene.lr.bands);
    for (int b = 0; b < scene.hr.bands; ++b) info.msiBands.push_back(fmt::format("band {}", b + 1));
    info.p = scene.p;
    model.emplace(info, o.seedValue());
  }
  const bool trainsFusion = dip || o.finetune;
  report["model"] = {{"path", dip ? std::string("none (a new, untrained module)") : chosen.path},
                     {"stage1", first.name},
                     {"trained_during_adaptation", trainsFusion}};
  if (model && !trainsFusion) attachFirstStageSources(first, scene, &*model, o.device);
  return first;
}

}  // namespace hsifuse
