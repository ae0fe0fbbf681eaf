#pragma once
// Progress is reported through a callback so that library code never prints. `fraction` runs from
// 0 to 1 within `stage`; returning false asks the caller to stop (the library then throws).
#include <functional>
#include <string>
#include <utility>

namespace hsifuse {

using ProgressFn = std::function<bool(double fraction, const std::string& stage)>;
// A line for the log (stderr in the CLI), e.g. the loss and validation PSNR while training.
using LogFn = std::function<void(const std::string&)>;

// A stage may carry a detail for people watching (the step and the loss of a training run): "stage\tdetail".
// Printers show the detail beside the stage's progress; the stage is the part before the tab.
inline std::string stageWithDetail(const std::string& stage, const std::string& detail) {
  return stage + '\t' + detail;
}
// (stage, detail) of a stage string; detail is "" when there is none.
inline std::pair<std::string, std::string> splitStage(const std::string& stage) {
  const std::size_t tab = stage.find('\t');
  if (tab == std::string::npos) return {stage, ""};
  return {stage.substr(0, tab), stage.substr(tab + 1)};
}

// A progress function that maps [0, 1] onto [begin, end] of a parent, like GDALCreateScaledProgress.
inline ProgressFn scaledProgress(const ProgressFn& parent, double begin, double end) {
  if (!parent) return {};
  return [=](double f, const std::string& stage) { return parent(begin + f * (end - begin), stage); };
}

}  // namespace hsifuse
