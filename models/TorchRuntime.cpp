#include "models/TorchRuntime.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <thread>

#include "lib/core/Error.h"
#include "lib/core/Text.h"

namespace hsifuse {

std::string torchVersion() {
  return TORCH_VERSION;
}

bool torchHasCuda() {
  return torch::cuda::is_available();
}

int torchCudaDeviceCount() {
  return static_cast<int>(torch::cuda::device_count());
}

void setTorchThreads(int threads) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  at::set_num_threads(threads);
}

int torchThreads() {
  return at::get_num_threads();
}

ScopedTorchThreads::ScopedTorchThreads(int threads) : previous_(at::get_num_threads()) {
  at::set_num_threads(threads);
}

ScopedTorchThreads::~ScopedTorchThreads() {
  at::set_num_threads(previous_);
}

std::string resolveDevice(const std::string& spec) {
  const std::string s = toLower(spec);
  if (s == "cpu") return "cpu";
  if (s == "auto") return torchHasCuda() ? "cuda:0" : "cpu";
  if (s == "cuda" || s.rfind("cuda:", 0) == 0) {
    if (!torchHasCuda())
      throw InputError("--device " + spec +
                       ": this hsi-fuse is built with a LibTorch without CUDA (or no GPU is "
                       "visible); use --device cpu, or rebuild with a CUDA LibTorch (README)");
    const int index = s == "cuda" ? 0 : parseInt(s.substr(5), "--device");
    if (index < 0 || index >= torchCudaDeviceCount())
      throw InputError("--device " + spec + ": there are " + std::to_string(torchCudaDeviceCount()) +
                       " CUDA device(s)");
    return "cuda:" + std::to_string(index);
  }
  throw InputError("--device: '" + spec + "' is not auto, cpu, cuda or cuda:N");
}

}  // namespace hsifuse
