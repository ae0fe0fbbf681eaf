#include "models/FusionModel.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "lib/core/AtomicOutput.h"
#include "lib/core/Error.h"
#include "lib/core/TensorFile.h"
#include "lib/spatial/TilePlan.h"
#include "models/FusionModelImpl.h"
#include "models/ModuleWeights.h"
#include "models/TensorCube.h"

namespace hsifuse {

using nlohmann::json;

bool FusionModelInfo::beatsClassicalHeldOut(const std::vector<std::string>& offered) const {
  if (heldOutPairs <= 0 || heldOutGainDb <= 0) return false;
  for (const std::string& name : offered)
    if (std::find(heldOutComparedWith.begin(), heldOutComparedWith.end(), name) == heldOutComparedWith.end())
      return false;
  return true;
}

std::string FusionModelInfo::toJson() const {
  json wl = json::array(), fw = json::array();
  for (const auto& b : hsiBands) {
    wl.push_back(b.wavelengthNm);
    fw.push_back(b.hasFwhm() ? json(b.fwhmNm) : json(nullptr));
  }
  json j{{"architecture", architecture},
         {"width", width},
         {"depth", depth},
         {"scale", scale},
         {"stage1", stage1},
         {"hsi_wavelengths_nm", wl},
         {"hsi_fwhm_nm", fw},
         {"msi_bands", msiBands},
         {"P", p},
         {"training_data", trainingData},
         {"command", command},
         {"hsifuse_version", version},
         {"steps", steps},
         {"validation_psnr", validationPsnr},
         {"validation_psnr_stage1", validationPsnrStage1}};
  if (heldOutPairs > 0)
    j["held_out"] = {{"pairs", heldOutPairs},
                     {"gain_over_best_classical_db", heldOutGainDb},
                     {"compared_with", heldOutComparedWith},
                     {"evidence", heldOutEvidence}};
  return j.dump(2) + "\n";
}

FusionModelInfo FusionModelInfo::fromJson(const std::string& text, const std::string& source) {
  try {
    json j = json::parse(text);
    FusionModelInfo i;
    i.architecture = j.at("architecture").get<std::string>();
    if (i.architecture != "ual-fusion-v1")
      throw InputError(source + ": unknown architecture '" + i.architecture + "' (this hsi-fuse reads ual-fusion-v1)");
    i.width = j.at("width").get<int>();
    i.depth = j.at("depth").get<int>();
    i.scale = j.at("scale").get<int>();
    i.stage1 = j.value("stage1", std::string("bicubic"));
    const auto& wl = j.at("hsi_wavelengths_nm");
    const auto& fw = j.at("hsi_fwhm_nm");
    for (std::size_t k = 0; k < wl.size(); ++k)
      i.hsiBands.push_back({wl[k].get<double>(), fw.at(k).is_null() ? NAN : fw[k].get<double>()});
    i.msiBands = j.at("msi_bands").get<std::vector<std::string>>();
    i.p = j.at("P").get<std::vector<std::vector<double>>>();
    i.trainingData = j.value("training_data", std::vector<std::string>{});
    i.command = j.value("command", std::string());
    i.version = j.value("hsifuse_version", std::string());
    i.steps = j.value("steps", 0);
    i.validationPsnr = j.value("validation_psnr", 0.0);
    i.validationPsnrStage1 = j.value("validation_psnr_stage1", 0.0);
    if (j.contains("held_out")) {
      const auto& h = j.at("held_out");
      i.heldOutPairs = h.at("pairs").get<int>();
      i.heldOutGainDb = h.at("gain_over_best_classical_db").get<double>();
      i.heldOutEvidence = h.value("evidence", std::string());
      if (h.contains("compared_with")) i.heldOutComparedWith = h.at("compared_with").get<std::vector<std::string>>();
    }
    // Checked before anything is allocated from them (a sidecar is user input: "depth": 100000000 must not spin).
    auto require = [&](bool ok, const std::string& what) {
      if (!ok) throw InputError(source + ": " + what);
    };
    require(i.width >= 1 && i.width <= 512, fmt::format("width {} is outside 1..512", i.width));
    require(i.depth >= 1 && i.depth <= 64, fmt::format("depth {} is outside 1..64", i.depth));
    require(i.scale >= 1 && i.scale <= 100, fmt::format("scale {} is outside 1..100", i.scale));
    require(!i.hsiBands.empty() && i.hsiBands.size() <= 2000,
            fmt::format("{} HSI bands (1..2000 allowed)", i.hsiBands.size()));
    require(!i.msiBands.empty() && i.msiBands.size() <= 64,
            fmt::format("{} MSI bands (1..64 allowed)", i.msiBands.size()));
    require(i.p.size() == i.msiBands.size(),
            "P has " + std::to_string(i.p.size()) + " rows for " + std::to_string(i.msiBands.size()) + " MSI bands");
    for (const auto& row : i.p)
      require(row.size() == i.hsiBands.size(), "a row of P has " + std::to_string(row.size()) + " entries for " +
                                                   std::to_string(i.hsiBands.size()) + " HSI bands");
    for (const auto& b : i.hsiBands)
      require(b.wavelengthNm >= 100 && b.wavelengthNm <= 30000, "an HSI wavelength is outside 100-30000 nm");
    return i;
  } catch (const json::exception& e) {
    throw InputError(source + ": not a valid hsi-fuse model sidecar (" + e.what() + ")");
  }
}

FusionModel::FusionModel(FusionModelInfo info, std::uint64_t seed) : info_(std::move(info)) {
  torch::manual_seed(seed);
  impl_ = std::make_unique<Impl>(FusionModule(static_cast<int>(info_.hsiBands.size()),
                                              static_cast<int>(info_.msiBands.size()), info_.width, info_.depth));
}

FusionModel::FusionModel(FusionModel&&) noexcept = default;
FusionModel& FusionModel::operator=(FusionModel&&) noexcept = default;
FusionModel::~FusionModel() = default;

FusionModelInfo FusionModelInfo::loadSidecar(const std::string& path) {
  const std::string sidecar = path + ".json";
  if (!std::filesystem::exists(path)) throw InputError(path + ": no such model file");
  std::ifstream in(sidecar);
  if (!in) throw InputError(path + ": its sidecar " + sidecar + " is missing (a model is FILE plus FILE.json)");
  std::stringstream text;
  text << in.rdbuf();
  return fromJson(text.str(), sidecar);
}

FusionModel FusionModel::load(const std::string& path) {
  FusionModel m(FusionModelInfo::loadSidecar(path), 0);
  loadModuleWeights(*m.impl_->module, "", readTensorFile(path), path);
  return m;
}

void FusionModel::save(const std::string& path, bool overwrite) const {
  checkOutputPath(path, overwrite, "--out");
  const std::string tmp = temporaryPathFor(path);
  try {
    TensorFile weights;
    appendModuleWeights(*impl_->module, "", weights);
    weights.metadata["format"] = "hsi-fuse fusion module weights (sidecar: this file's name + .json)";
    writeTensorFile(tmp, weights);
  } catch (const Error&) {
    std::filesystem::remove(tmp);
    throw;
  }
  writeTextFileAtomically(path + ".json", info_.toJson(), true, "--out");
  std::filesystem::rename(tmp, path);
}

void FusionModelInfo::checkCompatible(const std::vector<SpectralBand>& sceneBands,
                                      const std::vector<std::string>& sceneMsiBands, int sceneScale) const {
  std::vector<std::string> problems;
  if (sceneBands.size() != hsiBands.size())
    problems.push_back(fmt::format("{} HSI bands, the model has {}", sceneBands.size(), hsiBands.size()));
  else
    for (std::size_t b = 0; b < sceneBands.size(); ++b)
      if (!(std::fabs(sceneBands[b].wavelengthNm - hsiBands[b].wavelengthNm) <= 1.0)) {
        problems.push_back(fmt::format("HSI band {} is at {:.1f} nm, the model's at {:.1f} nm", b + 1,
                                       sceneBands[b].wavelengthNm, hsiBands[b].wavelengthNm));
        break;
      }
  if (sceneMsiBands != msiBands)
    problems.push_back(fmt::format("the MSI bands differ from the model's ({})", fmt::join(msiBands, ",")));
  if (sceneScale != scale) problems.push_back(fmt::format("scale {}, the model's is {}", sceneScale, scale));
  if (!problems.empty())
    throw InputError(fmt::format("the model does not match the scene: {}", fmt::join(problems, "; ")));
}

Cube FusionModel::infer(const Cube& msi, const Cube& stage1, const std::string& device, int tileSize,
                        const ProgressFn& progress) const {
  torch::NoGradGuard g;
  const torch::Device d(device);
  impl_->module->to(d);
  impl_->module->eval();
  auto run = [&](const Cube& x, const Cube& z) {
    return toCube(impl_->module->forward(toTensor(x, d), toTensor(z, d)));
  };
  if (tileSize <= 0 || (tileSize >= stage1.rows && tileSize >= stage1.cols)) return run(msi, stage1);
  const TilePlan plan(stage1.rows, stage1.cols, tileSize, receptiveRadius(), info_.scale);
  return runTiled(
      plan, stage1.bands, [&](const Tile& t) { return run(msi.crop(t.read), stage1.crop(t.read)); }, progress,
      "fusion");
}

WindowSource FusionModel::outputSource(const WindowSource& msi, const WindowSource& stage1,
                                       const std::string& device) const {
  return {stage1.bands, stage1.rows, stage1.cols, [this, msi, stage1, device](const Window& w) {
            const int h = receptiveRadius();
            const Window read = grownWithin(w, h, stage1.rows, stage1.cols);
            const Cube z = infer(msi.read(read), stage1.read(read), device);
            return z.crop({w.col - read.col, w.row - read.row, w.width, w.height});
          }};
}

}  // namespace hsifuse
