// DeviceOptions lives apart from CommonOptions.cpp because it needs models/ (LibTorch).
#include "cmd/CommonOptions.h"
#include "models/TorchRuntime.h"

namespace hsifuse {

void DeviceOptions::declare(OptionTable& table) {
  table.text("device", &device, "DEV", "auto, cpu, cuda or cuda:N (CUDA needs a CUDA LibTorch).")
      .integer("num-threads", &threads, "N", "LibTorch threads (0: all cores).")
      .range(0, 1024);
}

std::string DeviceOptions::apply() const {
  setTorchThreads(threads);
  return resolveDevice(device);
}

}  // namespace hsifuse
