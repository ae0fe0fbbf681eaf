#include "models/ModelCatalogue.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "lib/core/Error.h"
#include "lib/core/ShareDir.h"
#include "models/FusionModel.h"

namespace fs = std::filesystem;

namespace hsifuse {

std::string modelsDir() {
  if (const char* env = std::getenv("HSIFUSE_MODELS"); env && *env && fs::is_directory(env)) return env;
#ifdef HSIFUSE_MODELS_DIR
  if (fs::is_directory(HSIFUSE_MODELS_DIR)) return HSIFUSE_MODELS_DIR;
#endif
  try {
    const std::string shared = findShareFile("models");
    if (fs::is_directory(shared)) return shared;
  } catch (const Error&) {
  }
  return "";
}

std::vector<std::string> shippedModels() {
  std::vector<std::string> out;
  const std::string dir = modelsDir();
  if (dir.empty()) return out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".safetensors" && fs::exists(e.path().string() + ".json"))
      out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string matchingShippedModel(const std::vector<SpectralBand>& hsiBands, const std::vector<std::string>& msiBands,
                                 int scale) {
  for (const auto& candidate : shippedModels()) {
    try {
      FusionModelInfo::loadSidecar(candidate).checkCompatible(hsiBands, msiBands, scale);
      return candidate;
    } catch (const InputError&) {
    }
  }
  return "";
}

std::string shippedModelNames() {
  std::string list;
  for (const auto& m : shippedModels()) list += (list.empty() ? "" : ", ") + fs::path(m).filename().string();
  return list.empty() ? "none" : list;
}

}  // namespace hsifuse
