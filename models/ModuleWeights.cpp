#include "models/ModuleWeights.h"

#include <fmt/format.h>

#include <sstream>
#include <string>
#include <type_traits>
#include <utility>

#include "lib/core/Error.h"

namespace hsifuse {
namespace {

NamedTensor toNamed(const std::string& name, const torch::Tensor& t) {
  const torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  NamedTensor n{name, std::vector<std::int64_t>(c.sizes().begin(), c.sizes().end()),
                std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel())};
  return n;
}

// Copies the named tensor of `file` into `target` (same shape required), keeping target's device.
void copyInto(torch::Tensor target, const std::string& name, const TensorFile& file, const std::string& path) {
  const NamedTensor* t = file.find(name);
  if (!t) throw InputError(path + ": no tensor '" + name + "' (a file for another network or size)");
  const std::vector<std::int64_t> want(target.sizes().begin(), target.sizes().end());
  if (t->shape != want)
    throw InputError(fmt::format("{}: tensor '{}' has shape [{}], the network needs [{}]", path, name,
                                 fmt::join(t->shape, ", "), fmt::join(want, ", ")));
  const torch::Tensor source = torch::from_blob(const_cast<float*>(t->values.data()), target.sizes(), torch::kFloat32);
  torch::NoGradGuard noGrad;
  target.copy_(source.to(target.device()));
}

// The key LibTorch's optimisers file a parameter's state under: its TensorImpl address, printed as text up to
// LibTorch 1.x, the address itself from 2.0 on (the CUDA LibTorch of a GPU machine; bench/cuda_check.sh).
using AdamStateKey = std::decay_t<decltype(std::declval<torch::optim::Adam&>().state())>::key_type;

template <class Key>
Key stateKeyAs(const torch::Tensor& p) {
  if constexpr (std::is_same_v<Key, std::string>) {
    std::ostringstream text;
    text << p.unsafeGetTensorImpl();
    return text.str();
  } else {
    return static_cast<Key>(p.unsafeGetTensorImpl());
  }
}

AdamStateKey stateKey(const torch::Tensor& p) {
  return stateKeyAs<AdamStateKey>(p);
}

}  // namespace

void appendModuleWeights(const torch::nn::Module& module, const std::string& prefix, TensorFile& out) {
  for (const auto& p : module.named_parameters()) out.tensors.push_back(toNamed(prefix + p.key(), p.value()));
  for (const auto& b : module.named_buffers()) out.tensors.push_back(toNamed(prefix + b.key(), b.value()));
}

void loadModuleWeights(torch::nn::Module& module, const std::string& prefix, const TensorFile& file,
                       const std::string& path) {
  for (auto& p : module.named_parameters()) copyInto(p.value(), prefix + p.key(), file, path);
  for (auto& b : module.named_buffers()) copyInto(b.value(), prefix + b.key(), file, path);
}

void appendAdamState(const torch::optim::Adam& optimiser, const torch::nn::Module& module, TensorFile& out) {
  const auto& state = optimiser.state();
  for (const auto& p : module.named_parameters()) {
    const auto it = state.find(stateKey(p.value()));
    if (it == state.end()) continue;  // no step taken yet for this parameter
    const auto& s = static_cast<const torch::optim::AdamParamState&>(*it->second);
    out.tensors.push_back(toNamed("adam." + p.key() + ".exp_avg", s.exp_avg()));
    out.tensors.push_back(toNamed("adam." + p.key() + ".exp_avg_sq", s.exp_avg_sq()));
    out.metadata["adam." + p.key() + ".step"] = std::to_string(s.step());
  }
}

void loadAdamState(torch::optim::Adam& optimiser, const torch::nn::Module& module, const TensorFile& file,
                   const std::string& path) {
  auto& state = optimiser.state();
  for (const auto& p : module.named_parameters()) {
    const auto step = file.metadata.find("adam." + p.key() + ".step");
    if (step == file.metadata.end()) continue;
    auto s = std::make_unique<torch::optim::AdamParamState>();
    try {
      s->step(std::stoll(step->second));
    } catch (const std::exception&) {
      throw InputError(path + ": the Adam step of '" + p.key() + "' is not an integer");
    }
    s->exp_avg(torch::zeros_like(p.value()));
    s->exp_avg_sq(torch::zeros_like(p.value()));
    copyInto(s->exp_avg(), "adam." + p.key() + ".exp_avg", file, path);
    copyInto(s->exp_avg_sq(), "adam." + p.key() + ".exp_avg_sq", file, path);
    state[stateKey(p.value())] = std::move(s);
  }
}

}  // namespace hsifuse
