#include "pipeline/FuseMethod.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <utility>

#include "lib/core/Error.h"

namespace hsifuse {
namespace {

constexpr std::array<std::pair<FuseMethod, const char*>, 8> kNames{{{FuseMethod::Ual, "ual"},
                                                                    {FuseMethod::FixedKernel, "fixed-kernel"},
                                                                    {FuseMethod::Dip, "dip"},
                                                                    {FuseMethod::FusionOnly, "fusion-only"},
                                                                    {FuseMethod::Gsa, "gsa"},
                                                                    {FuseMethod::GlpHs, "glp-hs"},
                                                                    {FuseMethod::GlpReg, "glp-reg"},
                                                                    {FuseMethod::Bicubic, "bicubic"}}};

}  // namespace

std::vector<std::string> methodNames() {
  std::vector<std::string> out;
  for (const auto& [m, name] : kNames) out.emplace_back(name);
  return out;
}

FuseMethod parseFuseMethod(const std::string& name) {
  for (const auto& [m, n] : kNames)
    if (name == n) return m;
  throw InputError(fmt::format("--method: '{}' is not one of {}", name, fmt::join(methodNames(), ", ")));
}

std::string methodName(FuseMethod m) {
  for (const auto& [k, n] : kNames)
    if (k == m) return n;
  return "?";
}

bool isClassical(FuseMethod m) {
  return m == FuseMethod::Gsa || m == FuseMethod::GlpHs || m == FuseMethod::GlpReg || m == FuseMethod::Bicubic;
}
bool adaptsToScene(FuseMethod m) {
  return m == FuseMethod::Ual || m == FuseMethod::FixedKernel || m == FuseMethod::Dip;
}
bool usesPretrainedModule(FuseMethod m) {
  return m == FuseMethod::Ual || m == FuseMethod::FixedKernel || m == FuseMethod::FusionOnly;
}
bool canFinetune(FuseMethod m) {
  return m == FuseMethod::Ual || m == FuseMethod::FixedKernel;
}

}  // namespace hsifuse
