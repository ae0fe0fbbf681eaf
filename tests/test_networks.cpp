// models/Networks: the UAL networks' shapes and parameter counts, the fast degeneration net against the plain
// degradation, and where gradients flow.
#include <gtest/gtest.h>

#include <cmath>

#include "ModelTestData.h"
#include "lib/spatial/Resampling.h"
#include "models/Networks.h"
#include "models/TensorCube.h"

using namespace hsifuse;
using namespace hsifuse::test;

namespace {

int64_t countParameters(torch::nn::Module& m) {
  int64_t n = 0;
  for (const auto& p : m.parameters()) n += p.numel();
  return n;
}

int64_t conv(int64_t in, int64_t out) {
  return in * out * 9 + out;
}

}  // namespace

TEST(Networks, PaperConfigurationShapesAndParameterCounts) {
  // Paper: width 64, M = 3, CAVE setting (31 HSI bands, 3 MSI bands).
  const int B = 31, b = 3, W = 64, M = 3;
  FusionModule fusion(B, b, W, M);
  const int64_t mapping = (conv(b, W) + (M - 1) * conv(W, W)) + (conv(B, W) + (M - 1) * conv(W, W)) +
                          (conv(B + b, W) + (M - 1) * conv(W, W));
  const int64_t guidance = 2 * (conv(3 * W, W) + (M - 1) * conv(W, W));
  EXPECT_EQ(countParameters(*fusion), mapping + guidance + conv(3 * W, B));
  auto z = fusion->forward(torch::rand({2, b, 40, 48}), torch::rand({2, B, 40, 48}));
  EXPECT_EQ(z.sizes(), (std::vector<int64_t>{2, B, 40, 48}));

  AdaptationModule adapt(B, W, M);
  EXPECT_EQ(countParameters(*adapt), conv(B, W) + (M - 1) * conv(W, W) + 2 * M * conv(W, W) + conv(W, B));
  // Zero-initialised output: the module starts as the identity.
  auto x = torch::rand({1, B, 24, 24});
  EXPECT_TRUE(torch::equal(adapt->forward(x), x));

  DegenerationNet degen(32, 8, 4.0);
  EXPECT_EQ(countParameters(*degen), 32 * 32);
  EXPECT_EQ(degen->forward(torch::rand({1, B, 64, 80})).sizes(), (std::vector<int64_t>{1, B, 8, 10}));
  EXPECT_NEAR(degen->kernel.sum().item<double>(), 1.0, 1e-5);
}

// The space-to-depth degeneration net computes exactly lib/spatial/Degradation.h's blur-and-decimate,
// which is written as a plain loop: one sampling convention everywhere.
TEST(Networks, FastDegenerationEqualsDirectPerBandConvolution) {
  torch::manual_seed(3);
  for (auto [k, s] : {std::pair{32, 8}, std::pair{12, 3}, std::pair{8, 4}}) {
    DegenerationNet net(k, s, 2.0);
    {
      torch::NoGradGuard g;
      auto w = torch::rand({k, k});
      net->kernel.copy_(w / w.sum());
    }
    Cube z(5, 8 * s, 6 * s);
    auto r = torch::rand({5 * 8 * s * 6 * s});
    std::memcpy(z.data.data(), r.data_ptr<float>(), z.size() * sizeof(float));
    BlurKernel kernel;
    kernel.rows = kernel.cols = k;
    auto kd = net->kernel.to(torch::kFloat64).contiguous();
    kernel.w.assign(kd.data_ptr<double>(), kd.data_ptr<double>() + k * k);
    Cube direct = blurDownsample(z, kernel, s);
    Cube fast = toCube(net->forward(toTensor(z)).detach());
    ASSERT_EQ(fast.size(), direct.size());
    for (std::size_t i = 0; i < fast.size(); ++i)
      ASSERT_NEAR(fast.data[i], direct.data[i], 2e-5) << "k=" << k << " s=" << s;
    // An odd kernel embedded for the net keeps the same phase as well.
    Cube viaNet = degenerate(z, BlurKernel::gaussian(7, 1.2), s);
    Cube viaLoop = blurDownsample(z, BlurKernel::gaussian(7, 1.2), s);
    for (std::size_t i = 0; i < viaNet.size(); ++i) ASSERT_NEAR(viaNet.data[i], viaLoop.data[i], 2e-5);
  }
}

TEST(Networks, GradientsReachAdaptationAndKernelButNotTheFrozenFusionModule) {
  const int B = 8, b = 3, s = 4;
  FusionModule fusion(B, b, 16, 2);
  AdaptationModule adapt(B, 16, 2);
  DegenerationNet degen(8, s, 2.0);
  for (auto& p : fusion->parameters()) p.set_requires_grad(false);
  auto x = torch::rand({1, b, 32, 32}), yUp = torch::rand({1, B, 32, 32}), y = torch::rand({1, B, 8, 8});
  auto p = torch::rand({b, B});
  // The zero output conv blocks gradients to the inner layers at step 0; give it a nudge.
  {
    torch::NoGradGuard g;
    adapt->out->weight.normal_(0, 0.01);
  }
  auto zhat = adapt->forward(fusion->forward(x, yUp));
  auto loss = (degen->forward(zhat) - y).abs().mean() + (projectSpectral(zhat, p) - x).abs().mean();
  loss.backward();
  for (const auto& q : fusion->parameters()) EXPECT_FALSE(q.grad().defined());
  for (const auto& q : adapt->parameters()) {
    ASSERT_TRUE(q.grad().defined());
    EXPECT_GT(q.grad().abs().sum().item<double>(), 0.0);
  }
  EXPECT_GT(degen->kernel.grad().abs().sum().item<double>(), 0.0);
}
