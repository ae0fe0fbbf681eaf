#pragma once
// The UAL networks in LibTorch (CVPR 2020, section 3.4). Torch header: include only from models/*.cpp.
//
// Where this follows the paper and where it departs (also in README.md):
// - FusionModule: three branches on X, the upsampled HSI and their concatenation; each branch a mapping
//   block of M conv3x3+ReLU; one mutual-guiding block F' = F (.) A + B with A = P_a([F; others]),
//   B = P_b([F; others]), the concatenation in the paper's order ([Fx;Fy;Fxy], [Fy;Fx;Fxy],
//   [Fxy;Fx;Fy]) and P_a, P_b shared by the three branches (paper, 3.4.1); an output conv to B bands.
//   Departures: the last conv of P_a and P_b has no ReLU (A and B need both signs for an affine
//   modulation; the authors' code has no activation there either); the output is a residual on the
//   upsampled HSI input (the authors' code has none; with the small CPU training sets here the
//   residual form trains faster and lets the HSI input be a classical estimate such as GSA). The output
//   conv starts at zero, so an untrained module returns its HSI input.
// - AdaptationModule: Z^ = Z~ + A(Z~), A = output conv(self-guiding(mapping(Z~))), A = P_a(F),
//   B = P_b(F) (paper, 3.4.2). The output conv starts at zero so step 0 equals the first stage.
// - DegenerationNet: one k x k kernel, stride s, shared by all bands (paper 3.3), no bias (the
//   authors' code learns one), in space-to-depth form: pixel_unshuffle(pad(Z), s) convolved with
//   pixel_unshuffle(k, s), bands folded into the batch. k is a multiple of s (32 for s = 8).
//   The kernel starts as a Gaussian with sigma = s/2 HR pixels (or a least-squares estimate, see
//   Adaptation.h); during adaptation it is kept non-negative with a free sum (which may absorb a
//   radiometric gain; the paper and the authors' code constrain nothing).
#include <torch/torch.h>

namespace hsifuse {

// M conv3x3 blocks; `reluLast` = false leaves the last conv linear.
struct ConvStackImpl : torch::nn::Module {
  ConvStackImpl(int in, int width, int depth, bool reluLast);
  torch::Tensor forward(torch::Tensor x);
  torch::nn::ModuleList convs;
  bool reluLast;
};
TORCH_MODULE(ConvStack);

struct FusionModuleImpl : torch::nn::Module {
  FusionModuleImpl(int hsiBands, int msiBands, int width, int depth);
  // msi: N x b x H x W; hsiUp: N x B x H x W (upsampled LR HSI or a classical estimate).
  torch::Tensor forward(torch::Tensor msi, torch::Tensor hsiUp);
  ConvStack mapX{nullptr}, mapY{nullptr}, mapXY{nullptr}, guideA{nullptr}, guideB{nullptr};
  torch::nn::Conv2d out{nullptr};
};
TORCH_MODULE(FusionModule);

struct AdaptationModuleImpl : torch::nn::Module {
  AdaptationModuleImpl(int bands, int width, int depth);
  torch::Tensor forward(torch::Tensor z);
  ConvStack mapping{nullptr}, guideA{nullptr}, guideB{nullptr};
  torch::nn::Conv2d out{nullptr};
};
TORCH_MODULE(AdaptationModule);

struct DegenerationNetImpl : torch::nn::Module {
  DegenerationNetImpl(int kernelSize, int scale, double initSigma);
  // z: N x B x H x W with H, W multiples of s, already padded by padBefore()/padAfter() when
  // `padded`; otherwise replicate padding is applied here. Returns N x B x H/s x W/s.
  torch::Tensor forward(torch::Tensor z, bool padded = false);
  int padBefore() const;
  int padAfter() const;
  torch::Tensor kernel;  // k x k
  int k, s;
};
TORCH_MODULE(DegenerationNet);

// X^ = P Z as a 1x1 convolution (keeps the product on oneDNN; reference BLAS is slow here).
torch::Tensor projectSpectral(const torch::Tensor& z, const torch::Tensor& p);

}  // namespace hsifuse
