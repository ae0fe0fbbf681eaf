#include "models/Adaptation.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <random>

#include "lib/core/Error.h"
#include "lib/core/PixelMask.h"
#include "lib/spatial/Degradation.h"
#include "lib/spatial/KernelEstimation.h"
#include "lib/spatial/TilePlan.h"
#include "models/AdaptedModuleImpl.h"
#include "models/FusionModelImpl.h"
#include "models/Networks.h"
#include "models/TensorCube.h"
#include "models/TorchRuntime.h"

namespace hsifuse {
namespace {

namespace F = torch::nn::functional;

int kernelSizeFor(const AdaptationOptions& o, int s) {
  int k = o.kernelSize > 0 ? o.kernelSize : 4 * s;
  return (k + s - 1) / s * s;
}

// A DegenerationNet holding a given kernel, embedded in a k' x k' grid, k' a multiple of s, with the kernel centre
// where lib/spatial/Degradation.h puts it (embedKernel).
DegenerationNet netWithKernel(const BlurKernel& kernel, int s) {
  const int size = std::max(kernel.rows, kernel.cols);
  const int k = (size + s - 1) / s * s;
  const BlurKernel embedded = embedKernel(kernel, k, s);
  DegenerationNet net(k, s, 1.0);
  torch::NoGradGuard g;
  net->kernel.copy_(torch::tensor(embedded.w, torch::kFloat64).reshape({k, k}).to(net->kernel.dtype()));
  return net;
}

BlurKernel toBlurKernel(const torch::Tensor& k) {
  auto c = k.detach().to(torch::kCPU).to(torch::kFloat64).contiguous();
  BlurKernel out;
  out.rows = static_cast<int>(c.size(0));
  out.cols = static_cast<int>(c.size(1));
  out.w.assign(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
  return out;
}

}  // namespace

Cube degenerate(const Cube& z, const BlurKernel& kernel, int scale) {
  torch::NoGradGuard g;
  auto net = netWithKernel(kernel, scale);
  auto t = toTensor(z);
  const int64_t h = t.size(2) / scale * scale, w = t.size(3) / scale * scale;
  return toCube(net->forward(t.slice(2, 0, h).slice(3, 0, w)));
}

namespace {

// Every entry point. Without `fusion`, `firstStage` is Z~ (frozen). With it, `firstStage` is the fusion
// module's HSI input and Z~ = fusion(X, firstStage) is recomputed for every patch, so gradients reach it.
// Z~ is read window by window (replicate-padded at the scene border); Z^ leaves through `sink` tile by tile.
AdaptationResult adapt(const WindowSource& firstStage, const Cube& lrHsi, const Cube& hrMsi,
                       const std::vector<std::vector<double>>& p, int s, const AdaptationOptions& o,
                       const ProgressFn& progress, FusionModel* fusionModel, const WindowSink& sink) {
  const Window area = o.trainingArea.empty() ? Window{0, 0, firstStage.cols, firstStage.rows} : o.trainingArea;
  if (area.height != lrHsi.rows * s || area.width != lrHsi.cols * s || hrMsi.rows != area.height ||
      hrMsi.cols != area.width || firstStage.bands != lrHsi.bands || area.col < 0 || area.row < 0 ||
      area.col + area.width > firstStage.cols || area.row + area.height > firstStage.rows)
    throw InputError(
        fmt::format("adaptation: shapes do not agree (first stage {}x{}x{}, LR {}x{}x{}, MSI {}x{}x{}, "
                    "scale {})",
                    firstStage.bands, firstStage.rows, firstStage.cols, lrHsi.bands, lrHsi.rows, lrHsi.cols,
                    hrMsi.bands, hrMsi.rows, hrMsi.cols, s));
  if (p.size() != static_cast<std::size_t>(hrMsi.bands) || p.empty() ||
      p[0].size() != static_cast<std::size_t>(lrHsi.bands))
    throw InputError("adaptation: P does not match the band counts");
  if (fusionModel && !o.trainingArea.empty())
    throw Error("adaptation: a fusion module trained in the loop needs the whole scene (no training area)");
  const auto start = std::chrono::steady_clock::now();
  torch::manual_seed(o.seed);
  std::mt19937_64 rng(o.seed);
  const torch::Device device(o.device);

  // Work on data scaled to about [0, 1]: one factor for all three, so X = P Z still holds.
  // Inputs already at that scale (peak 1 up to rounding, as `fuse` passes them) are used in place on the CPU:
  // for a large scene the LR HSI and the MSI are most of the memory the adaptation holds.
  const float peak = lrHsi.peak();
  float norm = peak > 0 ? 1.0f / peak : 1.0f;
  if (std::fabs(norm - 1.0f) < 1e-5f) norm = 1.0f;
  auto observed = [&](const Cube& c) {
    return device.is_cpu() && norm == 1.0f ? tensorView(c) : toTensor(c, device) * norm;
  };
  const torch::Tensor yt = observed(lrHsi), xt = observed(hrMsi);
  std::vector<float> pFlat;
  for (const auto& row : p) pFlat.insert(pFlat.end(), row.begin(), row.end());
  auto pt = torch::from_blob(pFlat.data(), {static_cast<int64_t>(p.size()), static_cast<int64_t>(p[0].size())},
                             torch::kFloat32)
                .clone()
                .to(device);

  AdaptationModule adapt(firstStage.bands, o.width, o.depth);
  adapt->to(device);
  FusionModule fusion{nullptr};
  if (fusionModel) {
    fusion = fusionModel->impl().module;
    fusion->to(device);
  }
  DegenerationNet degen{nullptr};
  if (!o.learnKernel) {
    degen = netWithKernel(o.fixedKernel.w.empty() ? BlurKernel::ualPredefined() : o.fixedKernel, s);
  } else if (!o.startKernel.w.empty()) {
    degen = netWithKernel(o.startKernel, s);
  } else if (o.kernelInitLeastSquares) {
    // The kernel starts from the least-squares fit to the first stage as it is at step 0, on the scene's
    // central part (kKernelStartSideHr).
    const Window lrFit = kernelFitWindow(lrHsi.rows, lrHsi.cols, s, kKernelStartSideHr);
    const Window hrFit = scaledBy(lrFit, s);
    const Cube stage = firstStage.read(offsetBy(hrFit, area));
    degen = netWithKernel(estimateKernelLeastSquares(
                              fusionModel ? fusionModel->infer(hrMsi.crop(hrFit), stage, o.device, o.tileSize) : stage,
                              lrHsi.crop(lrFit), kernelSizeFor(o, s), s, 20000, o.seed),
                          s);
  } else {
    degen = DegenerationNet(kernelSizeFor(o, s), s, o.kernelInitSigma > 0 ? o.kernelInitSigma : s / 2.0);
  }
  degen->to(device);
  const int pb = degen->padBefore(), pa = degen->padAfter();
  const int r = receptiveRadiusOfDepth(o.depth);  // the adaptation module's context
  const int rf = fusionModel ? fusionModel->receptiveRadius() : 0;
  // Patches are taken in "padded" coordinates, where 0 is scene pixel -(pb + r): the margins the degeneration
  // net and the adaptation module need around a patch. Z~ is read from the source with replicate padding, as if
  // the scene had been padded once; so is the MSI that a trainable fusion module sees (held padded in memory).
  const int margin = pb + r;
  torch::Tensor lastRead;  // the last window read, reused while the window does not change (whole-scene steps)
  Window lastWindow{0, 0, -1, -1};
  auto readFirstStage = [&](int r0, int r1, int c0, int c1) {  // scene rows [r0, r1), columns [c0, c1)
    const Window w{c0, r0, c1 - c0, r1 - r0};
    if (!(w == lastWindow)) {
      const Cube patch = readReplicated(firstStage, w);
      lastRead = device.is_cpu() ? tensorView(patch) * norm : toTensor(patch, device) * norm;  // one copy on the CPU
      lastWindow = w;
    }
    return lastRead;
  };
  const torch::Tensor xpf =
      fusionModel
          ? F::pad(xt, F::PadFuncOptions({margin + rf, pa + r + rf, margin + rf, pa + r + rf}).mode(torch::kReplicate))
          : torch::Tensor();
  // Z~ over the padded rows [a, b) and columns [c, d).
  auto firstStageOver = [&](int a, int b, int c, int d) {
    if (!fusionModel) return readFirstStage(a - margin, b - margin, c - margin, d - margin);
    auto base = readFirstStage(a - margin - rf, b - margin + rf, c - margin - rf, d - margin + rf);
    auto out = fusion->forward(xpf.slice(2, a, b + 2 * rf).slice(3, c, d + 2 * rf), base);
    return out.slice(2, rf, rf + (b - a)).slice(3, rf, rf + (d - c));
  };

  torch::optim::Adam optA(adapt->parameters(), torch::optim::AdamOptions(o.learningRate).weight_decay(o.weightDecay));
  std::unique_ptr<torch::optim::Adam> optF;
  if (fusionModel)
    optF = std::make_unique<torch::optim::Adam>(
        fusion->parameters(), torch::optim::AdamOptions(o.fusionLearningRate).weight_decay(o.fusionWeightDecay));
  std::unique_ptr<torch::optim::Adam> optK;
  if (o.learnKernel)
    optK = std::make_unique<torch::optim::Adam>(
        std::vector<torch::Tensor>{degen->kernel},
        torch::optim::AdamOptions(o.kernelLearningRate).weight_decay(o.kernelWeightDecay));
  else
    degen->kernel.set_requires_grad(false);

  // Masks as 1 x 1 x rows x cols tensors (undefined when every pixel is valid).
  auto maskTensor = [&](const std::vector<std::uint8_t>& m, int rows, int cols) {
    if (m.empty()) return torch::Tensor();
    if (m.size() != static_cast<std::size_t>(rows) * cols)
      throw Error("adaptation: a pixel mask does not match its grid");
    std::vector<float> f(m.begin(), m.end());
    return torch::from_blob(f.data(), {1, 1, rows, cols}, torch::kFloat32).clone().to(device);
  };
  const torch::Tensor lrMask = maskTensor(o.lrValid, lrHsi.rows, lrHsi.cols),
                      hrMask = maskTensor(o.hrValid, hrMsi.rows, hrMsi.cols);
  // Mean absolute error over the valid pixels (all bands), or the plain L1 loss without a mask.
  auto l1 = [](const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& m) {
    if (!m.defined()) return F::l1_loss(a, b);
    const auto weight = m.expand_as(a);
    return ((a - b).abs() * weight).sum() / weight.sum().clamp_min(1.0);
  };
  // |P Z^ - X| with each MSI band at its native resolution: the bands grouped by ratio, a group of ratio r > 1
  // compared as r x r block means (the mask as the share of valid pixels in a block, all of it required), and the
  // groups weighted by their band counts, so that with every ratio 1 this is the plain masked L1 over all bands.
  std::vector<std::pair<int, torch::Tensor>> ratioGroups;  // (ratio, band indices)
  if (!o.msiNativeRatio.empty()) {
    if (o.msiNativeRatio.size() != static_cast<std::size_t>(hrMsi.bands))
      throw Error("adaptation: one native-resolution ratio per MSI band expected");
    std::vector<int> ratios(o.msiNativeRatio);
    std::sort(ratios.begin(), ratios.end());
    ratios.erase(std::unique(ratios.begin(), ratios.end()), ratios.end());
    for (int ratio : ratios) {
      std::vector<std::int64_t> idx;
      for (int b = 0; b < hrMsi.bands; ++b)
        if (o.msiNativeRatio[b] == ratio) idx.push_back(b);
      ratioGroups.emplace_back(std::max(1, ratio), torch::tensor(idx, torch::kLong).to(device));
    }
  }
  auto spectralLoss = [&](const torch::Tensor& px, const torch::Tensor& xb, const torch::Tensor& xm) {
    if (ratioGroups.empty()) return l1(px, xb, xm);
    torch::Tensor total;
    for (const auto& [ratio, idx] : ratioGroups) {
      auto a = px.index_select(1, idx), b = xb.index_select(1, idx);
      torch::Tensor m = xm;
      if (ratio > 1) {
        a = F::avg_pool2d(a, F::AvgPool2dFuncOptions(ratio));
        b = F::avg_pool2d(b, F::AvgPool2dFuncOptions(ratio));
        if (m.defined()) m = (F::avg_pool2d(m, F::AvgPool2dFuncOptions(ratio)) > 0.999).to(torch::kFloat32);
      }
      auto term = l1(a, b, m) * (double(idx.size(0)) / hrMsi.bands);
      total = total.defined() ? total + term : term;
    }
    return total;
  };
  const int h = lrHsi.rows, w = lrHsi.cols;
  const int q = o.patchLr > 0 ? std::min({o.patchLr, h, w}) : std::max(h, w);
  const bool whole = o.patchLr <= 0 || (q >= h && q >= w);
  std::uniform_int_distribution<int> pickRow(0, std::max(0, h - q)), pickCol(0, std::max(0, w - q));
  const ValidArea lrArea(o.lrValid, h, w);
  // A patch mostly on nodata teaches nothing: draw again (a few times) until at least half of it holds data.
  auto pickPatch = [&]() -> std::pair<int, int> {
    if (whole) return {0, 0};
    std::pair<int, int> at;
    for (int attempt = 0; attempt < 16; ++attempt) {
      const int col = pickCol(rng);  // the column first: the draw order of the runs before this sampler
      at = {pickRow(rng), col};
      if (lrArea.fraction({at.second, at.first, q, q}) >= 0.5) break;
    }
    return at;
  };

  // Z^ of the whole scene with the current weights, tile by tile into `out`: a core's window of Z~ with r pixels
  // of context on each side (replicate-padded at the scene border) gives exactly the whole-scene result.
  auto finalPass = [&](const WindowSink& out) {
    adapt->eval();
    if (fusionModel) fusion->eval();
    torch::NoGradGuard g;
    auto apply = [&](const Window& w) {
      auto zin = firstStageOver(margin - r + w.row, margin + r + w.row + w.height, margin - r + w.col,
                                margin + r + w.col + w.width);
      auto zhat = adapt->forward(zin);
      out(w, toCube(zhat.slice(2, r, r + w.height).slice(3, r, r + w.width) / norm));
    };
    if (o.tileSize <= 0 || (o.tileSize >= firstStage.rows && o.tileSize >= firstStage.cols)) {
      apply({0, 0, firstStage.cols, firstStage.rows});
    } else {
      const TilePlan plan(firstStage.rows, firstStage.cols, o.tileSize, 0, s);
      for (const Tile& t : plan.tiles()) apply(t.core);
    }
    adapt->train();
    if (fusionModel) fusion->train();
  };
  double observing = 0;  // seconds spent in `observe`, left out of the reported times

  AdaptationResult result;
  const int qh = whole ? h : q, qw = whole ? w : q;
  // The loss L = |D(Z^) - Y|_1 + |P Z^ - X|_1 over patches whose top-left LR pixels are `at`.
  // `lrTerm`: where to put |D(Z^) - Y|_1 alone (the validation's discrepancy check).
  auto lossOver = [&](const std::vector<std::pair<int, int>>& at, torch::Tensor* lrTerm = nullptr) {
    std::vector<torch::Tensor> zIn, yRef, xRef, yMask, xMask;
    for (const auto& [i0, j0] : at) {
      zIn.push_back(firstStageOver(area.row + s * i0, area.row + s * (i0 + qh) + pb + pa + 2 * r, area.col + s * j0,
                                   area.col + s * (j0 + qw) + pb + pa + 2 * r));
      yRef.push_back(yt.slice(2, i0, i0 + qh).slice(3, j0, j0 + qw));
      xRef.push_back(xt.slice(2, s * i0, s * (i0 + qh)).slice(3, s * j0, s * (j0 + qw)));
      if (lrMask.defined()) yMask.push_back(lrMask.slice(2, i0, i0 + qh).slice(3, j0, j0 + qw));
      if (hrMask.defined()) xMask.push_back(hrMask.slice(2, s * i0, s * (i0 + qh)).slice(3, s * j0, s * (j0 + qw)));
    }
    auto zb = torch::cat(zIn, 0), yb = torch::cat(yRef, 0), xb = torch::cat(xRef, 0);
    const torch::Tensor ym = yMask.empty() ? torch::Tensor() : torch::cat(yMask, 0);
    const torch::Tensor xm = xMask.empty() ? torch::Tensor() : torch::cat(xMask, 0);
    auto zhat = adapt->forward(zb);
    auto inner = zhat.slice(2, r, zhat.size(2) - r).slice(3, r, zhat.size(3) - r);  // padded by (pb, pa)
    auto core = inner.slice(2, pb, pb + s * qh).slice(3, pb, pb + s * qw);
    const torch::Tensor lr = l1(degen->forward(inner, true), yb, ym);
    if (lrTerm) *lrTerm = lr;
    return lr + spectralLoss(projectSpectral(core, pt), xb, xm);
  };
  const int budget = stepBudget(o.steps, o.visitsPerPixel, double(lrArea.count()), double(qh) * qw);
  result.stepBudget = budget;
  // The validation set: the whole scene when steps see it whole, else fixed patches on a g x g grid spread over
  // it (g = 2 up to the HypSen size, more on larger scenes, at most 4 x 4), those mostly on nodata left out.
  std::vector<std::pair<int, int>> validationAt{{0, 0}};
  if (!whole) {
    validationAt.clear();
    const int g = std::clamp(static_cast<int>(std::ceil(2.0 * std::sqrt(double(budget) / std::max(1, o.steps)))), 2, 4);
    for (int pass = 0; pass < 2 && validationAt.empty(); ++pass)
      for (int i = 0; i < g; ++i)
        for (int j = 0; j < g; ++j) {
          const std::pair at{(2 * i + 1) * (h - qh) / (2 * g), (2 * j + 1) * (w - qw) / (2 * g)};
          if (pass == 0 && lrArea.fraction({at.second, at.first, qw, qh}) < 0.5) continue;
          if (std::find(validationAt.begin(), validationAt.end(), at) == validationAt.end()) validationAt.push_back(at);
        }
  }
  // The kept state: every learned tensor (adaptation module, kernel, fusion module in the loop), copied.
  std::vector<torch::Tensor> learned = adapt->parameters();
  learned.push_back(degen->kernel);
  if (fusionModel)
    for (const auto& t : fusion->parameters()) learned.push_back(t);
  std::vector<torch::Tensor> kept;
  double bestValidation = INFINITY, improvementRef = INFINITY;
  int sinceImprovement = 0;
  const bool validating = o.validateEvery > 0;
  // Returns false when the run should stop (no improvement for `patience` validations, or Y's noise level reached).
  auto validate = [&](int stepsDone) {
    adapt->eval();
    if (fusionModel) fusion->eval();
    double v, lrResidual;
    {
      torch::NoGradGuard g;
      // One patch at a time: a batch of all of them would hold several training steps' worth of activations.
      v = lrResidual = 0;
      for (const auto& at : validationAt) {
        torch::Tensor lr;
        v += lossOver({at}, &lr).item<double>() / validationAt.size();
        lrResidual += lr.item<double>() / validationAt.size();
      }
    }
    adapt->train();
    if (fusionModel) fusion->train();
    result.validationHistory.emplace_back(stepsDone, v);
    if (v < bestValidation) {
      bestValidation = v;
      result.bestStep = stepsDone;
      torch::NoGradGuard g;
      kept.clear();
      for (const auto& t : learned) kept.push_back(t.detach().clone());
    }
    result.validationLrHistory.emplace_back(stepsDone, lrResidual / norm);
    if (o.lrNoiseL1 > 0 && lrResidual <= o.lrNoiseL1 * norm) {
      result.noiseLevelStep = stepsDone;
      return false;
    }
    if (v < improvementRef * (1.0 - o.minImprovement)) {
      improvementRef = v;
      sinceImprovement = 0;
    } else if (o.patience > 0 && ++sinceImprovement >= o.patience) {
      return false;
    }
    return true;
  };
  adapt->train();
  if (fusionModel) fusion->train();                   // after the kernel start, whose inference left it in eval mode
  std::optional<ScopedTorchThreads> trainingThreads;  // back to the caller's count for the final pass
  if (o.trainingThreads > 0) trainingThreads.emplace(o.trainingThreads);
  const bool fitsAlready = validating && !validate(0);
  for (int step = 0; step < budget && !fitsAlready; ++step) {
    std::vector<std::pair<int, int>> at;
    const int count = whole ? 1 : o.patchesPerStep;
    for (int n = 0; n < count; ++n) at.push_back(pickPatch());
    auto loss = lossOver(at);
    optA.zero_grad();
    if (optK) optK->zero_grad();
    if (optF) optF->zero_grad();
    loss.backward();
    optA.step();
    if (optF) optF->step();
    // The kernel is kept non-negative (a blur) but its sum is left free, so it can also carry a
    // radiometric gain. Measured on examples/hypsen (300 whole-scene steps): projecting it back to unit
    // sum after each Adam step made the loss climb (0.0126 -> 0.0145; Adam's moments keep pushing along
    // the direction the projection removes); leaving it entirely free lowered the loss (-> 0.0104) but
    // not the kernel error; non-negativity alone gave the lowest loss (-> 0.0100), the kernel closest to
    // the truth on the test crop, and +0.26 dB over the first stage.
    if (optK) {
      optK->step();
      torch::NoGradGuard g;
      degen->kernel.clamp_min_(0);
    }
    const double l = loss.item<double>();
    if ((o.logEvery > 0 && step % o.logEvery == 0) || step + 1 == budget) result.lossHistory.emplace_back(step, l);
    result.stepsRun = step + 1;
    if (progress && !progress(double(step + 1) / budget,
                              stageWithDetail("adapt", fmt::format("step {} of {}, loss {:.5f}", step + 1, budget, l))))
      throw Interrupted();
    if (o.observe && o.observeEvery > 0 && (step + 1) % o.observeEvery == 0) {
      const auto t = std::chrono::steady_clock::now();
      const double elapsed = std::chrono::duration<double>(t - start).count() - observing;
      Cube current(firstStage.bands, firstStage.rows, firstStage.cols);
      finalPass(collectInto(current));
      o.observe(step + 1, elapsed, current);
      observing += std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
    }
    if (validating && ((step + 1) % o.validateEvery == 0 || step + 1 == budget) && !validate(step + 1)) {
      result.stoppedEarly = step + 1 < budget;
      break;
    }
  }
  if (fitsAlready) result.stoppedEarly = budget > 0;
  result.visitsPerPixel =
      lrArea.count() > 0 ? double(result.stepsRun) * (whole ? 1.0 : o.patchesPerStep) * qh * qw / lrArea.count() : 0;
  trainingThreads.reset();
  if (validating && !kept.empty()) {
    torch::NoGradGuard g;
    for (std::size_t i = 0; i < learned.size(); ++i) learned[i].copy_(kept[i]);
  }

  if (o.finalPass) finalPass(sink);
  result.kernel = toBlurKernel(degen->kernel);
  // Built after the final pass: a new module draws its initial weights from Torch's generator.
  result.adapted = std::make_shared<AdaptedModule>(firstStage.bands, o.width, o.depth, norm);
  {
    torch::NoGradGuard g;
    const std::vector<torch::Tensor> from = adapt->parameters(), to = result.adapted->impl().module->parameters();
    for (std::size_t i = 0; i < from.size(); ++i) to[i].copy_(from[i].to(torch::kCPU));
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() - observing;
  return result;
}

// The in-memory entry points: Z~ cropped from a cube, Z^ assembled into result.z.
AdaptationResult adaptInMemory(const Cube& firstStage, const Cube& lrHsi, const Cube& hrMsi,
                               const std::vector<std::vector<double>>& p, int s, const AdaptationOptions& o,
                               const ProgressFn& progress, FusionModel* fusion) {
  Cube z(firstStage.bands, firstStage.rows, firstStage.cols);
  AdaptationResult r = adapt(WindowSource::ofCube(firstStage), lrHsi, hrMsi, p, s, o, progress, fusion, collectInto(z));
  r.z = std::move(z);
  return r;
}

}  // namespace

int defaultPatchLr(int scale, int bands) {
  if (scale < 1 || bands < 1) throw Error("defaultPatchLr: the scale and the band count must be positive");
  const int side = static_cast<int>(std::sqrt(kStepHrValues / bands) / scale);
  return std::clamp(side, kMinPatchLr, AdaptationOptions{}.patchLr);
}

int stepBudget(int steps, double visitsPerPixel, double validLrPixels, double patchLrPixels) {
  if (!(visitsPerPixel > 0) || !(patchLrPixels > 0)) return steps;
  // Capped so that the count stays an int whatever the scene (10^7 steps is months on a CPU).
  const double wanted = std::min(std::ceil(visitsPerPixel * validLrPixels / patchLrPixels), 1e7);
  return std::max(steps, static_cast<int>(wanted));
}

AdaptationResult adaptScene(const Cube& firstStage, const Cube& lrHsi, const Cube& hrMsi,
                            const std::vector<std::vector<double>>& p, int s, const AdaptationOptions& o,
                            const ProgressFn& progress) {
  return adaptInMemory(firstStage, lrHsi, hrMsi, p, s, o, progress, nullptr);
}

namespace {

void requireMatchingFusion(const FusionModel& fusion, int bands, int msiBands, int s) {
  if (fusion.info().scale != s || fusion.info().hsiBands.size() != static_cast<std::size_t>(bands) ||
      fusion.info().msiBands.size() != static_cast<std::size_t>(msiBands))
    throw InputError("adaptation: the fusion module does not match the scene's bands or scale");
}

}  // namespace

AdaptationResult adaptSceneStreamed(const WindowSource& firstStage, const Cube& lrHsi, const Cube& hrMsi,
                                    const std::vector<std::vector<double>>& p, int s, const AdaptationOptions& o,
                                    const WindowSink& sink, FusionModel* fusion, const ProgressFn& progress) {
  if (fusion) requireMatchingFusion(*fusion, firstStage.bands, hrMsi.bands, s);
  return adapt(firstStage, lrHsi, hrMsi, p, s, o, progress, fusion, sink);
}

AdaptationResult adaptSceneWithFusion(FusionModel& fusion, const Cube& base, const Cube& lrHsi, const Cube& hrMsi,
                                      const std::vector<std::vector<double>>& p, int s, const AdaptationOptions& o,
                                      const ProgressFn& progress) {
  requireMatchingFusion(fusion, base.bands, hrMsi.bands, s);
  return adaptInMemory(base, lrHsi, hrMsi, p, s, o, progress, &fusion);
}

}  // namespace hsifuse
