#include "models/Networks.h"

#include <cmath>

#include "lib/spatial/Degradation.h"

namespace hsifuse {

namespace F = torch::nn::functional;

ConvStackImpl::ConvStackImpl(int in, int width, int depth, bool reluLast_) : reluLast(reluLast_) {
  for (int i = 0; i < depth; ++i)
    convs->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(i == 0 ? in : width, width, 3).padding(1)));
  register_module("convs", convs);
}

torch::Tensor ConvStackImpl::forward(torch::Tensor x) {
  const std::size_t n = convs->size();
  for (std::size_t i = 0; i < n; ++i) {
    x = convs[i]->as<torch::nn::Conv2d>()->forward(x);
    if (i + 1 < n || reluLast) x = torch::relu(x);
  }
  return x;
}

FusionModuleImpl::FusionModuleImpl(int hsiBands, int msiBands, int width, int depth) {
  mapX = register_module("map_x", ConvStack(msiBands, width, depth, true));
  mapY = register_module("map_y", ConvStack(hsiBands, width, depth, true));
  mapXY = register_module("map_xy", ConvStack(msiBands + hsiBands, width, depth, true));
  guideA = register_module("guide_a", ConvStack(3 * width, width, depth, false));
  guideB = register_module("guide_b", ConvStack(3 * width, width, depth, false));
  out = register_module("out", torch::nn::Conv2d(torch::nn::Conv2dOptions(3 * width, hsiBands, 3).padding(1)));
  // Zero output: an untrained module returns its HSI input (bicubic or GSA) unchanged, and training
  // starts from there instead of from noise.
  torch::NoGradGuard g;
  out->weight.zero_();
  out->bias.zero_();
}

torch::Tensor FusionModuleImpl::forward(torch::Tensor msi, torch::Tensor hsiUp) {
  auto fx = mapX->forward(msi);
  auto fy = mapY->forward(hsiUp);
  auto fxy = mapXY->forward(torch::cat({msi, hsiUp}, 1));
  // Each feature is guided by the concatenation that starts with itself (paper, Eq. 7 and after).
  auto guide = [&](const torch::Tensor& f, const torch::Tensor& a, const torch::Tensor& b) {
    auto cat = torch::cat({f, a, b}, 1);
    return f * guideA->forward(cat) + guideB->forward(cat);
  };
  auto gx = guide(fx, fy, fxy), gy = guide(fy, fx, fxy), gxy = guide(fxy, fx, fy);
  return hsiUp + out->forward(torch::cat({gx, gy, gxy}, 1));
}

AdaptationModuleImpl::AdaptationModuleImpl(int bands, int width, int depth) {
  mapping = register_module("mapping", ConvStack(bands, width, depth, true));
  guideA = register_module("guide_a", ConvStack(width, width, depth, false));
  guideB = register_module("guide_b", ConvStack(width, width, depth, false));
  out = register_module("out", torch::nn::Conv2d(torch::nn::Conv2dOptions(width, bands, 3).padding(1)));
  // Zero output: step 0 of the adaptation returns the first stage unchanged.
  torch::NoGradGuard g;
  out->weight.zero_();
  out->bias.zero_();
}

torch::Tensor AdaptationModuleImpl::forward(torch::Tensor z) {
  auto f = mapping->forward(z);
  f = f * guideA->forward(f) + guideB->forward(f);
  return z + out->forward(f);
}

DegenerationNetImpl::DegenerationNetImpl(int kernelSize, int scale, double initSigma) : k(kernelSize), s(scale) {
  TORCH_CHECK(k % s == 0, "the degeneration kernel size must be a multiple of the scale");
  auto idx = torch::arange(k, torch::kFloat64) - (k - 1) / 2.0;
  auto g = torch::exp(-(idx * idx) / (2 * initSigma * initSigma));
  auto w = torch::outer(g, g);
  kernel = register_parameter("kernel", (w / w.sum()).to(torch::kFloat32));
}

int DegenerationNetImpl::padBefore() const {
  return degradationPadding(k, s);
}
int DegenerationNetImpl::padAfter() const {
  return k - s - padBefore();
}

torch::Tensor DegenerationNetImpl::forward(torch::Tensor z, bool padded) {
  const auto n = z.size(0), b = z.size(1);
  auto x = z.reshape({n * b, 1, z.size(2), z.size(3)});
  if (!padded) {
    const int pb = padBefore(), pa = padAfter();  // both >= 0 because k is a multiple of s
    x = F::pad(x, F::PadFuncOptions({pb, pa, pb, pa}).mode(torch::kReplicate));
  }
  // Space-to-depth: s*s channels at 1/s resolution, convolved with the unshuffled kernel.
  auto xs = F::pixel_unshuffle(x, s);                          // (n b) x s^2 x h' x w'
  auto ws = F::pixel_unshuffle(kernel.view({1, 1, k, k}), s);  // 1 x s^2 x k/s x k/s
  auto y = F::conv2d(xs, ws);
  return y.reshape({n, b, y.size(2), y.size(3)});
}

torch::Tensor projectSpectral(const torch::Tensor& z, const torch::Tensor& p) {
  return F::conv2d(z, p.view({p.size(0), p.size(1), 1, 1}));
}

}  // namespace hsifuse
