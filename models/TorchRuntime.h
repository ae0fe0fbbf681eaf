#pragma once
// What the LibTorch in use offers, behind a Torch-free interface (Torch headers stay in models/*.cpp).
#include <string>

namespace hsifuse {

std::string torchVersion();
bool torchHasCuda();
int torchCudaDeviceCount();

}  // namespace hsifuse
