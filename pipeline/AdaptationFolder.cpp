#include "pipeline/AdaptationFolder.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "lib/core/AtomicOutput.h"
#include "lib/core/Error.h"
#include "models/AdaptedModule.h"
#include "models/FusionModel.h"

namespace fs = std::filesystem;

namespace hsifuse {
namespace {

using nlohmann::json;

constexpr const char* kFormat = "hsi-fuse adaptation 1";

json windowJson(const Window& w) {
  return {w.col, w.row, w.width, w.height};
}
Window windowFrom(const json& j) {
  return {j.at(0).get<int>(), j.at(1).get<int>(), j.at(2).get<int>(), j.at(3).get<int>()};
}
json kernelJson(const BlurKernel& k) {
  return {{"rows", k.rows}, {"cols", k.cols}, {"w", k.w}};
}
BlurKernel kernelFrom(const json& j) {
  BlurKernel k;
  k.rows = j.at("rows").get<int>();
  k.cols = j.at("cols").get<int>();
  k.w = j.at("w").get<std::vector<double>>();
  if (k.rows < 0 || k.cols < 0 || k.w.size() != static_cast<std::size_t>(k.rows) * k.cols)
    throw InputError("a kernel's taps do not match its size");
  return k;
}

json toJson(const AdaptationManifest& m) {
  json inputs = json::array();
  for (const SavedInput& i : m.inputs)
    inputs.push_back(
        {{"option", i.option}, {"path", i.path}, {"bytes", i.checksum.bytes}, {"fnv1a64", i.checksum.fnv1a64}});
  const json radiometry = {
      {"hsi_divided_by", m.peak}, {"msi_gains", m.gains}, {"msi_kernel_correction", m.gainCorrection}};
  return {{"format", kFormat},
          {"hsifuse_version", m.hsifuseVersion},
          {"method", m.method},
          {"inputs", inputs},
          {"grids",
           {{"scale", m.scale},
            {"assume_aligned", m.assumeAligned},
            {"resampling", m.resampling},
            {"fix_shift", m.fixShift},
            {"lr_nodata", m.lrNodata ? json(*m.lrNodata) : json(nullptr)},
            {"msi_nodata", m.msiNodata ? json(*m.msiNodata) : json(nullptr)},
            {"shift", m.shift ? json{m.shift->first, m.shift->second} : json(nullptr)},
            {"lr_window", windowJson(m.lrWindow)},
            {"hr_window", windowJson(m.hrWindow)},
            {"area_of_interest", m.area ? windowJson(*m.area) : json(nullptr)},
            {"fit_area_lr", m.fitAreaLr},
            {"mask_clouds", m.maskClouds}}},
          {"bands", {{"hsi_kept", m.hsiBands}, {"msi_kept", m.msiBands}, {"msi_names", m.msiNames}}},
          {"P", m.p},
          {"radiometry", radiometry},
          {"first_stage",
           {{"classical", m.stage1},
            {"mtf", kernelJson(m.mtf)},
            {"blend_parts", m.blend.parts},
            {"blend_weights", m.blend.weights},
            {"fusion_module", m.fusionModule},
            {"fusion_module_source", m.fusionModuleSource}}},
          {"tile", m.tile},
          {"adaptation", {{"module", m.adapted}, {"kernel", kernelJson(m.kernel)}, {"kept_step", m.stepsKept}}}};
}

AdaptationManifest fromJson(const json& j) {
  if (j.value("format", std::string()) != kFormat)
    throw InputError(fmt::format("not a manifest this hsi-fuse reads (format '{}', expected '{}')",
                                 j.value("format", std::string()), kFormat));
  AdaptationManifest m;
  m.hsifuseVersion = j.value("hsifuse_version", std::string());
  m.method = j.at("method").get<std::string>();
  for (const json& i : j.at("inputs"))
    m.inputs.push_back({i.at("option").get<std::string>(),
                        i.at("path").get<std::string>(),
                        {i.at("bytes").get<std::uint64_t>(), i.at("fnv1a64").get<std::string>()}});
  const json& g = j.at("grids");
  m.scale = g.at("scale").get<int>();
  m.assumeAligned = g.at("assume_aligned").get<bool>();
  m.resampling = g.at("resampling").get<std::string>();
  m.fixShift = g.at("fix_shift").get<bool>();
  for (auto [key, value] : {std::pair{"lr_nodata", &m.lrNodata}, std::pair{"msi_nodata", &m.msiNodata}})
    if (g.contains(key) && !g.at(key).is_null()) *value = g.at(key).get<double>();
  if (g.contains("shift") && !g.at("shift").is_null())
    m.shift = std::pair{g.at("shift").at(0).get<double>(), g.at("shift").at(1).get<double>()};
  m.lrWindow = windowFrom(g.at("lr_window"));
  m.hrWindow = windowFrom(g.at("hr_window"));
  if (g.contains("area_of_interest") && !g.at("area_of_interest").is_null())
    m.area = windowFrom(g.at("area_of_interest"));
  m.fitAreaLr = g.value("fit_area_lr", 0);
  m.maskClouds = g.value("mask_clouds", false);  // folders written before --fit-area held the whole scene
  m.hsiBands = j.at("bands").at("hsi_kept").get<std::vector<int>>();
  m.msiBands = j.at("bands").at("msi_kept").get<std::vector<int>>();
  m.msiNames = j.at("bands").at("msi_names").get<std::vector<std::string>>();
  m.p = j.at("P").get<std::vector<std::vector<double>>>();
  m.peak = j.at("radiometry").at("hsi_divided_by").get<float>();
  m.gains = j.at("radiometry").at("msi_gains").get<std::vector<double>>();
  m.gainCorrection = j.at("radiometry").value("msi_kernel_correction", std::vector<double>());
  const json& f = j.at("first_stage");
  m.stage1 = f.at("classical").get<std::string>();
  m.mtf = kernelFrom(f.at("mtf"));
  // Folders written before the blend have neither entry.
  m.blend.parts = f.value("blend_parts", std::vector<std::string>());
  m.blend.weights = f.value("blend_weights", std::vector<std::vector<double>>());
  m.fusionModule = f.at("fusion_module").get<bool>();
  m.fusionModuleSource = f.value("fusion_module_source", std::string());
  m.tile = j.at("tile").get<int>();
  m.kernel = kernelFrom(j.at("adaptation").at("kernel"));
  m.stepsKept = j.at("adaptation").value("kept_step", 0);
  m.adapted = j.at("adaptation").value("module", true);
  // Shapes that the rest relies on.
  if (m.scale < 1 || m.tile < m.scale || m.tile % m.scale != 0)
    throw InputError("the scale or the tile side is invalid");
  if (m.p.size() != m.msiBands.size() || m.msiNames.size() != m.msiBands.size() || m.gains.size() != m.msiBands.size())
    throw InputError("P, the MSI bands and the gains do not agree");
  if (!m.gainCorrection.empty() && m.gainCorrection.size() != m.gains.size())
    throw InputError("the gains and their correction do not agree");
  for (const auto& row : m.p)
    if (row.size() != m.hsiBands.size()) throw InputError("P's rows do not match the HSI bands");
  if (m.stage1 == kBlendStage) {
    if (m.blend.parts.size() < 2 || m.blend.weights.size() != m.hsiBands.size())
      throw InputError("the first stage's blend needs two parts or more and one row of weights per HSI band");
    for (const auto& row : m.blend.weights)
      if (row.size() != m.blend.parts.size()) throw InputError("the blend's weights do not match its parts");
  }
  if (!(m.peak > 0)) throw InputError("the radiometric scaling is not positive");
  if (m.hrWindow.width % m.scale != 0 || m.hrWindow.height % m.scale != 0 || m.hrWindow.empty())
    throw InputError("the HR window is not made of whole LR pixels");
  return m;
}

}  // namespace

std::string adaptationFile(const std::string& dir, const std::string& name) {
  return (fs::path(dir) / name).string();
}

void saveAdaptationFolder(const std::string& dir, const AdaptationManifest& manifest, const AdaptedModule* adapted,
                          const FusionModel* module) {
  FolderWriter folder(dir);
  if (adapted) adapted->save(adaptationFile(folder.temporary(), "adaptation.safetensors"), false);
  if (module) module->save(adaptationFile(folder.temporary(), "fusion.safetensors"), false);
  std::ofstream out(adaptationFile(folder.temporary(), kAdaptationManifest));
  out << toJson(manifest).dump(2) << "\n";
  out.close();
  if (!out) throw Error(fmt::format("--save-adaptation: cannot write {} in {}", kAdaptationManifest, dir));
  folder.commit();
}

AdaptationManifest loadAdaptationManifest(const std::string& dir) {
  if (!fs::is_directory(dir)) throw InputError(dir + ": not a folder written by 'hsi-fuse fuse --save-adaptation'");
  const std::string path = adaptationFile(dir, kAdaptationManifest);
  std::ifstream in(path);
  if (!in) throw InputError(path + ": missing (DIR must be a folder written by 'hsi-fuse fuse --save-adaptation')");
  std::stringstream text;
  text << in.rdbuf();
  try {
    return fromJson(json::parse(text.str()));
  } catch (const InputError& e) {
    throw InputError(path + ": " + e.what());
  } catch (const json::exception& e) {
    throw InputError(path + ": malformed manifest (" + std::string(e.what()) + ")");
  }
}

}  // namespace hsifuse
