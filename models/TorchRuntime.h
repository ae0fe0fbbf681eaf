#pragma once
// What the LibTorch in use offers, behind a Torch-free interface (Torch headers stay in models/*.cpp).
#include <string>

namespace hsifuse {

std::string torchVersion();
bool torchHasCuda();
int torchCudaDeviceCount();
// Sets LibTorch's intra-op threads (it defaults to 1 here); 0 = all cores.
void setTorchThreads(int threads);
// The intra-op threads LibTorch uses now (for reports).
int torchThreads();
// LibTorch's intra-op threads set to `threads` for a scope, and the previous count restored when it ends.
class ScopedTorchThreads {
 public:
  explicit ScopedTorchThreads(int threads);
  ~ScopedTorchThreads();
  ScopedTorchThreads(const ScopedTorchThreads&) = delete;
  ScopedTorchThreads& operator=(const ScopedTorchThreads&) = delete;

 private:
  int previous_;
};
// "auto", "cpu", "cuda" or "cuda:N" -> the canonical device string that will be used.
// Throws InputError when CUDA is asked for and the LibTorch in use has none.
std::string resolveDevice(const std::string& spec);

}  // namespace hsifuse
