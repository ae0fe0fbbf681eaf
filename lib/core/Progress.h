#pragma once
// Progress is reported through a callback so that library code never prints. `fraction` runs from
// 0 to 1 within `stage`; returning false asks the caller to stop (the library then throws).
#include <functional>
#include <string>

namespace hsifuse {

using ProgressFn = std::function<bool(double fraction, const std::string& stage)>;
// A line for the log (stderr in the CLI), e.g. the loss and validation PSNR while training.
using LogFn = std::function<void(const std::string&)>;

// A progress function that maps [0, 1] onto [begin, end] of a parent, like GDALCreateScaledProgress.
inline ProgressFn scaledProgress(const ProgressFn& parent, double begin, double end) {
  if (!parent) return {};
  return [=](double f, const std::string& stage) { return parent(begin + f * (end - begin), stage); };
}

}  // namespace hsifuse
