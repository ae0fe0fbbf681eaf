#pragma once
// Conversions between the Torch-free Cube (band-major float32) and 1 x B x H x W tensors.
#include <torch/torch.h>

#include "lib/core/Cube.h"

namespace hsifuse {

inline torch::Tensor toTensor(const Cube& c, const torch::Device& device = torch::kCPU) {
  auto t = torch::from_blob(const_cast<float*>(c.data.data()), {1, c.bands, c.rows, c.cols}, torch::kFloat32);
  return t.clone().to(device);
}

// The cube's memory seen as a CPU tensor, without a copy: `c` must outlive it and stay unchanged, and the
// tensor must not be written to.
inline torch::Tensor tensorView(const Cube& c) {
  return torch::from_blob(const_cast<float*>(c.data.data()), {1, c.bands, c.rows, c.cols}, torch::kFloat32);
}

inline Cube toCube(const torch::Tensor& t) {
  auto x = t.detach().to(torch::kCPU).to(torch::kFloat32).contiguous();
  TORCH_CHECK(x.dim() == 4 && x.size(0) == 1, "expected a 1 x B x H x W tensor");
  Cube c(static_cast<int>(x.size(1)), static_cast<int>(x.size(2)), static_cast<int>(x.size(3)));
  std::memcpy(c.data.data(), x.data_ptr<float>(), c.size() * sizeof(float));
  return c;
}

}  // namespace hsifuse
