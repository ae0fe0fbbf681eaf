#pragma once
// The Torch side of FusionModel, for models/*.cpp only.
#include "models/FusionModel.h"
#include "models/Networks.h"

namespace hsifuse {

struct FusionModel::Impl {
  explicit Impl(FusionModule m) : module(std::move(m)) {}
  FusionModule module;
};

}  // namespace hsifuse
