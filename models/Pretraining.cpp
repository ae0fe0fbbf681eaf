#include "models/Pretraining.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <random>

#include "lib/core/Error.h"
#include "lib/core/TensorFile.h"
#include "lib/fusion/ClassicalFusion.h"
#include "lib/quality/Metrics.h"
#include "lib/spatial/BlurKernel.h"
#include "lib/spatial/Degradation.h"
#include "lib/spatial/RandomKernel.h"
#include "lib/spatial/Resampling.h"
#include "lib/spectral/SpectralJitter.h"
#include "models/FusionModelImpl.h"
#include "models/ModuleWeights.h"
#include "models/TensorCube.h"

namespace hsifuse {
namespace {

namespace F = torch::nn::functional;

// One of the 8 flips/rotations of the square patch.
torch::Tensor augment(torch::Tensor t, int which) {
  if (which & 1) t = t.flip({3});
  if (which & 2) t = t.flip({2});
  if (which & 4) t = t.transpose(2, 3);
  return t.contiguous();
}

// A random patch of a random cube, flipped or rotated at random (the paper's draw order: cube, row, column, which).
Cube randomPatch(const std::vector<Cube>& cubes, int patch, std::mt19937_64& rng) {
  const Cube& c = cubes[std::uniform_int_distribution<std::size_t>(0, cubes.size() - 1)(rng)];
  const int r0 = std::uniform_int_distribution<int>(0, c.rows - patch)(rng);
  const int c0 = std::uniform_int_distribution<int>(0, c.cols - patch)(rng);
  const int which = std::uniform_int_distribution<int>(0, 7)(rng);
  return toCube(augment(toTensor(c.crop({c0, r0, patch, patch})), which));
}

struct Sample {
  Cube msi, stage1, truth;
};

// The paper's batch: one Gaussian blur and one LR noise level (none on a quarter of the batches) for all samples.
std::vector<Sample> paperBatch(const std::vector<Cube>& cubes, const ResponseMatrix& p, const std::string& stage1,
                               int s, const PretrainOptions& o, std::mt19937_64& rng) {
  std::uniform_int_distribution<int> sizeDist(o.kernelSizeMin, o.kernelSizeMax);
  std::uniform_real_distribution<double> sigmaDist(o.sigmaMin, o.sigmaMax), snrDist(o.snrMin, o.snrMax), unit(0, 1);
  const BlurKernel k = BlurKernel::gaussian(sizeDist(rng), sigmaDist(rng));
  const bool noisy = unit(rng) >= 0.25;
  const double snr = snrDist(rng);
  std::vector<Sample> batch;
  for (int n = 0; n < o.batch; ++n) {
    Cube z = randomPatch(cubes, o.patch, rng);
    Cube y = blurDownsample(z, k, s);
    if (noisy) addNoiseAtSnr(y, snr, rng());
    Cube x = projectSpectrally(z, p);
    Cube base = stageOneEstimate(stage1, y, x, s);
    batch.push_back({std::move(x), std::move(base), std::move(z)});
  }
  return batch;
}

// The wide batch (PretrainOptions::wide): every sample its own kernel family and size, LR noise (none on an
// eighth), MSI noise at 30-45 dB (none on a quarter), spectral response, brightness and spectral shape.
std::vector<Sample> wideBatch(const std::vector<Cube>& cubes, const ResponseMatrix& p, const std::string& stage1, int s,
                              const PretrainOptions& o, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> unit(0, 1), snrDist(o.snrMin, o.snrMax), msiSnrDist(30, 45);
  std::vector<Sample> batch;
  for (int n = 0; n < o.batch; ++n) {
    Cube z = randomPatch(cubes, o.patch, rng);
    // Brightness 0.5..1.3, a spectral tilt and bow of up to +-20 %.
    jitterSpectra(z, 0.5 + 0.8 * unit(rng), 0.4 * unit(rng) - 0.2, 0.4 * unit(rng) - 0.2);
    const KernelFamily family = o.families[std::uniform_int_distribution<std::size_t>(0, o.families.size() - 1)(rng)];
    Cube y = blurDownsample(z, randomKernel(family, s, rng), s);
    if (unit(rng) >= 0.125) addNoiseAtSnr(y, snrDist(rng), rng());
    Cube x = projectSpectrally(z, perturbResponse(p, 0.15, 0.03, rng));
    if (unit(rng) >= 0.25) addNoiseAtSnr(x, msiSnrDist(rng), rng());
    Cube base = stageOneEstimate(stage1, y, x, s);
    batch.push_back({std::move(x), std::move(base), std::move(z)});
  }
  return batch;
}

}  // namespace

Cube stageOneEstimate(const std::string& stage1, const Cube& lrHsi, const Cube& hrMsi, int scale) {
  const ClassicalFusion f(ClassicalFusion::parseMethod(stage1, "--stage1"), lrHsi, hrMsi, scale);
  return f.window({0, 0, f.cols(), f.rows()});
}

void pretrainFusion(FusionModel& model, const std::vector<Cube>& cubes, const Cube& validation,
                    const PretrainOptions& o, const ProgressFn& progress, const LogFn& log) {
  auto& info = model.info();
  const int s = info.scale, patch = o.patch;
  if (patch % s != 0) throw InputError(fmt::format("--patch: {} is not a multiple of --scale {}", patch, s));
  if (patch < 2 * s) throw InputError("--patch: must hold at least 2 LR pixels");
  for (const auto& c : cubes)
    if (c.rows < patch || c.cols < patch)
      throw InputError(fmt::format("a training cube of {}x{} is smaller than --patch {}", c.cols, c.rows, patch));
  const torch::Device device(o.device);
  FusionModule& net = model.impl().module;
  net->to(device);
  torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(o.learningRate));
  std::vector<float> pFlat;
  for (const auto& row : info.p) pFlat.insert(pFlat.end(), row.begin(), row.end());

  int step = 0;
  if (o.resume && !o.checkpoint.empty() && std::filesystem::exists(o.checkpoint)) {
    const TensorFile checkpoint = readTensorFile(o.checkpoint);
    loadModuleWeights(*net, "", checkpoint, o.checkpoint);
    loadAdamState(opt, *net, checkpoint, o.checkpoint);
    const auto completed = checkpoint.metadata.find("completed_steps");
    try {
      if (completed == checkpoint.metadata.end()) throw std::invalid_argument("missing");
      step = std::stoi(completed->second);
    } catch (const std::exception&) {
      throw InputError(o.checkpoint + ": not an hsi-fuse training checkpoint (no completed_steps)");
    }
    if (log) log(fmt::format("resumed from {} at step {}", o.checkpoint, step));
  }
  // `completed`: the number of steps whose update the weights hold, which is where a resumed run starts.
  auto saveCheckpoint = [&](int completed) {
    if (o.checkpoint.empty()) return;
    TensorFile checkpoint;
    appendModuleWeights(*net, "", checkpoint);
    appendAdamState(opt, *net, checkpoint);
    checkpoint.metadata["completed_steps"] = std::to_string(completed);
    checkpoint.metadata["format"] = "hsi-fuse training checkpoint";
    const std::string tmp = o.checkpoint + ".tmp";
    writeTensorFile(tmp, checkpoint);
    std::filesystem::rename(tmp, o.checkpoint);
  };
  // The validation degradations: the paper's one Gaussian, or (wide) one kernel of each family, fixed.
  std::vector<BlurKernel> validationKernels{BlurKernel::gaussian(9, 0.5 * s)};
  if (o.wide) {
    std::mt19937_64 fixed(12345);
    validationKernels.push_back(BlurKernel::anisotropicGaussian(4 * s + 1, 0.6 * s, 0.3 * s, 30.0));
    validationKernels.push_back(BlurKernel::disk(4 * s + 1, 0.8 * s));
    validationKernels.push_back(motionKernel(4 * s + 1, 1.5 * s, 0.6, 0.5, fixed));
  }
  // Mean PSNR of the model and of its first stage alone over the validation degradations.
  auto validate = [&]() -> std::pair<double, double> {
    if (validation.bands == 0) return {0, 0};
    const int rows = validation.rows / s * s, cols = validation.cols / s * s;
    Cube z = validation.crop({0, 0, cols, rows});
    Cube x = projectSpectrally(z, info.p);
    double fused = 0, stage1 = 0;
    for (const BlurKernel& k : validationKernels) {
      Cube y = blurDownsample(z, k, s);  // fixed, reproducible degradation
      addNoiseAtSnr(y, 35.0, 12345);
      Cube base = stageOneEstimate(info.stage1, y, x, s);
      Cube out = model.infer(x, base, o.device);
      fused += psnrUal(z, out) / validationKernels.size();
      stage1 += psnrUal(z, base) / validationKernels.size();
    }
    net->train();
    return {fused, stage1};
  };

  // Each step's randomness depends only on (seed, step), so a resumed run continues identically.
  const auto start = std::chrono::steady_clock::now();
  double running = NAN;
  // The weights with the best validation PSNR are what the run returns (early stopping): with the few
  // small training cubes here the validation PSNR peaks and then falls while the training loss goes on down.
  double bestPsnr = -INFINITY, bestStage1 = 0;
  int bestStep = 0;
  std::vector<torch::Tensor> bestWeights;
  net->train();
  for (; step < o.steps; ++step) {
    std::mt19937_64 rng(o.seed * 1000003ULL + static_cast<std::uint64_t>(step));
    for (auto& group : opt.param_groups())
      static_cast<torch::optim::AdamOptions&>(group.options())
          .lr(o.learningRate * std::pow(o.decay, step / std::max(1, o.decayEvery)));
    std::vector<torch::Tensor> xs, bs, zs;
    for (auto& [msi, stage1, truth] : o.wide ? wideBatch(cubes, info.p, info.stage1, s, o, rng)
                                             : paperBatch(cubes, info.p, info.stage1, s, o, rng)) {
      xs.push_back(toTensor(msi));
      bs.push_back(toTensor(stage1));
      zs.push_back(toTensor(truth));
    }
    auto x = torch::cat(xs).to(device), b = torch::cat(bs).to(device), z = torch::cat(zs).to(device);
    auto loss = F::l1_loss(net->forward(x, b), z);
    opt.zero_grad();
    loss.backward();
    opt.step();
    const double l = loss.item<double>();
    running = std::isnan(running) ? l : 0.98 * running + 0.02 * l;
    if (progress &&
        !progress(double(step + 1) / o.steps,
                  stageWithDetail("train", fmt::format("step {} of {}, loss {:.5f}", step + 1, o.steps, running))))
      throw Interrupted();
    if (o.checkpointEvery > 0 && (step + 1) % o.checkpointEvery == 0) saveCheckpoint(step + 1);
    if (validation.bands > 0 && o.validateEvery > 0 && (step + 1) % o.validateEvery == 0) {
      auto [pv, pb] = validate();
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (log)
        log(fmt::format("step {} loss {:.5f} validation {:.3f} dB (stage 1 alone {:.3f} dB) {:.0f} s", step + 1,
                        running, pv, pb, secs));
      if (pv > bestPsnr) {
        bestPsnr = pv;
        bestStage1 = pb;
        bestStep = step + 1;
        bestWeights.clear();
        for (const auto& p : net->parameters()) bestWeights.push_back(p.detach().clone());
      }
    }
  }
  saveCheckpoint(step);
  auto [pv, pb] = validate();
  info.steps = step;
  info.validationPsnr = pv;
  info.validationPsnrStage1 = pb;
  if (!bestWeights.empty() && bestPsnr > pv) {
    torch::NoGradGuard g;
    auto params = net->parameters();
    for (std::size_t k = 0; k < params.size(); ++k) params[k].copy_(bestWeights[k]);
    info.steps = bestStep;
    info.validationPsnr = bestPsnr;
    info.validationPsnrStage1 = bestStage1;
    if (log) log(fmt::format("keeping the weights of step {} (best validation, {:.3f} dB)", bestStep, bestPsnr));
  }
}

}  // namespace hsifuse
