#pragma once
// LibTorch modules and optimisers to and from data-only weights files (lib/core/TensorFile.h). For models/*.cpp only
// (includes Torch). Names are the module's own parameter and buffer names ("mapping.0.weight"), so a file lists
// what it holds in plain words.
#include <torch/torch.h>

#include <string>

#include "lib/core/TensorFile.h"

namespace hsifuse {

// Adds every parameter and buffer of `module`, as Float32 on the CPU, named prefix + its name.
void appendModuleWeights(const torch::nn::Module& module, const std::string& prefix, TensorFile& out);

// Copies into `module` the tensors named prefix + each of its parameter and buffer names. Every one must be in
// `file` with the same shape; InputError naming `path` otherwise (a file for another width, depth or band count).
void loadModuleWeights(torch::nn::Module& module, const std::string& prefix, const TensorFile& file,
                       const std::string& path);

// Adam's moments per parameter ("adam.NAME.exp_avg", "adam.NAME.exp_avg_sq", the step in the metadata), for the
// checkpoints of `train`; loadAdamState restores them onto the same module's parameters.
void appendAdamState(const torch::optim::Adam& optimiser, const torch::nn::Module& module, TensorFile& out);
void loadAdamState(torch::optim::Adam& optimiser, const torch::nn::Module& module, const TensorFile& file,
                   const std::string& path);

}  // namespace hsifuse
