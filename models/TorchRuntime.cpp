#include "models/TorchRuntime.h"

#include <torch/cuda.h>
#include <torch/version.h>

namespace hsifuse {

std::string torchVersion() { return TORCH_VERSION; }

bool torchHasCuda() { return torch::cuda::is_available(); }

int torchCudaDeviceCount() { return static_cast<int>(torch::cuda::device_count()); }

}  // namespace hsifuse
