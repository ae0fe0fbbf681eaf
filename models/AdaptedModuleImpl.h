#pragma once
// The Torch side of AdaptedModule, for models/*.cpp only.
#include "models/AdaptedModule.h"
#include "models/Networks.h"

namespace hsifuse {

struct AdaptedModule::Impl {
  explicit Impl(AdaptationModule m) : module(std::move(m)) {}
  AdaptationModule module;
};

}  // namespace hsifuse
