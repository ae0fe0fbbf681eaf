#pragma once
// A number for a JSON report: the value when finite, null otherwise (JSON has no NaN or infinity).
#include <cmath>
#include <nlohmann/json.hpp>

namespace hsifuse {

inline nlohmann::json finiteOrNull(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

}  // namespace hsifuse
