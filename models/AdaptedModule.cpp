#include "models/AdaptedModule.h"

#include <fmt/format.h>

#include <filesystem>

#include "lib/core/AtomicOutput.h"
#include "lib/core/Error.h"
#include "lib/core/TensorFile.h"
#include "models/Adaptation.h"
#include "models/AdaptedModuleImpl.h"
#include "models/ModuleWeights.h"
#include "models/TensorCube.h"

namespace hsifuse {
namespace {

int metadataInt(const TensorFile& f, const std::string& key, const std::string& path, int lo, int hi) {
  const auto it = f.metadata.find(key);
  int v = 0;
  try {
    if (it == f.metadata.end()) throw std::invalid_argument(key);
    v = std::stoi(it->second);
  } catch (const std::exception&) {
    throw InputError(fmt::format("{}: not an adaptation module file (no valid '{}' in its metadata)", path, key));
  }
  if (v < lo || v > hi) throw InputError(fmt::format("{}: '{}' is {}, outside {}..{}", path, key, v, lo, hi));
  return v;
}

}  // namespace

AdaptedModule::AdaptedModule(int bands, int width, int depth, float norm)
    : bands_(bands),
      width_(width),
      depth_(depth),
      norm_(norm),
      impl_(std::make_unique<Impl>(AdaptationModule(bands, width, depth))) {}
AdaptedModule::AdaptedModule(AdaptedModule&&) noexcept = default;
AdaptedModule& AdaptedModule::operator=(AdaptedModule&&) noexcept = default;
AdaptedModule::~AdaptedModule() = default;

int AdaptedModule::receptiveRadius() const {
  return receptiveRadiusOfDepth(depth_);
}

AdaptedModule AdaptedModule::load(const std::string& path) {
  const TensorFile f = readTensorFile(path);
  const int bands = metadataInt(f, "bands", path, 1, 100000), width = metadataInt(f, "width", path, 1, 512);
  const int depth = metadataInt(f, "depth", path, 1, 64);
  float norm = 1;
  try {
    norm = std::stof(f.metadata.at("norm"));
  } catch (const std::exception&) {
    throw InputError(path + ": not an adaptation module file (no valid 'norm' in its metadata)");
  }
  if (!(norm > 0)) throw InputError(path + ": 'norm' must be positive");
  AdaptedModule m(bands, width, depth, norm);
  loadModuleWeights(*m.impl_->module, "", f, path);
  return m;
}

void AdaptedModule::save(const std::string& path, bool overwrite) const {
  checkOutputPath(path, overwrite, "--save-adaptation");
  TensorFile f;
  appendModuleWeights(*impl_->module, "", f);
  f.metadata["format"] = "hsi-fuse adaptation module weights";
  f.metadata["bands"] = std::to_string(bands_);
  f.metadata["width"] = std::to_string(width_);
  f.metadata["depth"] = std::to_string(depth_);
  f.metadata["norm"] = fmt::format("{:.9g}", norm_);
  const std::string tmp = temporaryPathFor(path);
  try {
    writeTensorFile(tmp, f);
    std::filesystem::rename(tmp, path);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    throw;
  }
}

WindowSource AdaptedModule::outputSource(const WindowSource& firstStage, const std::string& device) const {
  // Once, not per window: inference mode on the device the windows run on.
  impl_->module->eval();
  impl_->module->to(torch::Device(device));
  return {firstStage.bands, firstStage.rows, firstStage.cols, [this, firstStage, device](const Window& w) {
            const int r = receptiveRadius();
            const torch::Device dev(device);
            torch::NoGradGuard g;
            const Cube zin = readReplicated(firstStage, {w.col - r, w.row - r, w.width + 2 * r, w.height + 2 * r});
            const torch::Tensor x = dev.is_cpu() ? tensorView(zin) * norm_ : toTensor(zin, dev) * norm_;
            const torch::Tensor zhat = impl_->module->forward(x);
            return toCube(zhat.slice(2, r, r + w.height).slice(3, r, r + w.width) / norm_);
          }};
}

}  // namespace hsifuse
