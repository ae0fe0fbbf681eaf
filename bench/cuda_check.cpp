// The CUDA path of models/ against the CPU one, and adaptation speed on the GPU (issue #12 item 6). Needs neither
// GDAL nor the hsi-fuse binary, so it builds on a GPU machine that has a CUDA LibTorch but no GDAL
// (bench/cuda_check.sh builds lib/, models/ and this file there). The scene is a cube in a weights file (lib/core/
// TensorFile.h: tensor "cube" B x H x W, metadata "wavelengths" and "fwhm" in nm, comma-separated; bench/cuda_check.sh
// writes it from examples/hypsen's truth), degraded here with Wald's protocol (Gaussian kernel, 35 dB, Sentinel-2A).
// Prints Markdown: what runs on each device, the results' differences, and steps/s against s and the band count.
//   cuda_check CUBE.safetensors [FUSION_MODEL.safetensors] [DEVICE] [SECTIONS]
// SECTIONS: all (default) or some of adaptation,streamed,module,pretraining,steps.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/SpreadBands.h"
#include "lib/core/TensorFile.h"
#include "lib/core/Text.h"
#include "lib/fusion/ClassicalFusion.h"
#include "lib/quality/Metrics.h"
#include "lib/spatial/Degradation.h"
#include "lib/spatial/Resampling.h"
#include "lib/spectral/SpectralResponse.h"
#include "models/Adaptation.h"
#include "models/FusionModel.h"
#include "models/Pretraining.h"
#include "models/TorchRuntime.h"

using namespace hsifuse;

namespace {

struct Scene {
  Cube truth, lr, msi, first;
  SpectralResponse p;
  int scale = 3;
};

Cube readCube(const std::string& path, std::vector<SpectralBand>& bands) {
  const TensorFile file = readTensorFile(path);
  const NamedTensor* t = file.find("cube");
  if (!t || t->shape.size() != 3) throw std::runtime_error(path + ": no 3-d tensor 'cube'");
  Cube c(int(t->shape[0]), int(t->shape[1]), int(t->shape[2]));
  std::copy(t->values.begin(), t->values.end(), c.band(0));
  const std::vector<double> wl = parseNumberList(file.metadata.at("wavelengths"), path + " wavelengths"),
                            fwhm = parseNumberList(file.metadata.at("fwhm"), path + " fwhm");
  bands.resize(c.bands);
  for (int b = 0; b < c.bands; ++b) bands[b] = {wl.at(b), fwhm.at(b)};
  return c;
}

Scene makeScene(const Cube& truth, const std::vector<SpectralBand>& bands, int scale) {
  Scene s{truth, {}, {}, {}, SpectralResponse::fromSpec("sentinel2a", bands), scale};
  s.truth.scale(1.0f / s.truth.peak());
  s.lr = blurDownsample(s.truth, BlurKernel::gaussian(2 * scale + 1, scale / 2.0), scale);
  addNoiseAtSnr(s.lr, 35, 1);
  s.msi = projectSpectrally(s.truth, s.p.matrix());
  addNoiseAtSnr(s.msi, 35, 2);
  s.first = fuseGsa(s.lr, s.msi, scale);
  return s;
}

double maxAbsDiff(const Cube& a, const Cube& b) {
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, double(std::abs(a.data[i] - b.data[i])));
  return m;
}

std::string g_sections = "all";  // which sections run (argument 4: a comma-separated list of their names)

template <class F>
void section(const char* name, F&& body) {
  if (g_sections != "all" && (',' + g_sections + ',').find(std::string(",") + name + ',') == std::string::npos) return;
  try {
    body();
  } catch (const std::exception& e) {
    std::printf("\n**%s failed:** %s\n", name, e.what());
  }
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: cuda_check CUBE.safetensors [FUSION_MODEL.safetensors] [DEVICE] [SECTIONS]\n");
    return 2;
  }
  const std::string gpu = resolveDevice(argc > 3 ? argv[3] : "auto");
  if (argc > 4) g_sections = argv[4];
  std::printf("LibTorch %s, CUDA %s (%d devices); checked device: %s; CPU threads %d\n", torchVersion().c_str(),
              torchHasCuda() ? "yes" : "no", torchCudaDeviceCount(), gpu.c_str(), torchThreads());
  std::vector<SpectralBand> bands;
  const Cube truth = readCube(argv[1], bands);
  const Scene scene = makeScene(truth, bands, 3);
  std::printf("scene %d x %d x %d HR, s = 3, GSA first stage %.2f dB\n\n", scene.truth.bands, scene.truth.rows,
              scene.truth.cols, psnrUal(scene.truth, scene.first));

  // The same adaptation (seed, steps, one training thread) on both devices: the results differ only by float
  // summation order, so their PSNRs should agree to a few hundredths of a dB.
  section("adaptation", [&] {
    std::printf("| adaptation (300 steps) | PSNR dB | best step | steps run | seconds |\n|---|---|---|---|---|\n");
    std::vector<Cube> out;
    for (const std::string& device : {std::string("cpu"), gpu}) {
      AdaptationOptions o;
      o.steps = 300;
      o.patchLr = defaultPatchLr(scene.scale, scene.truth.bands);
      o.seed = 1;
      o.trainingThreads = 1;
      o.device = device;
      const AdaptationResult r = adaptScene(scene.first, scene.lr, scene.msi, scene.p.matrix(), scene.scale, o);
      std::printf("| %s | %.3f | %d | %d | %.2f |\n", device.c_str(), psnrUal(scene.truth, r.z), r.bestStep, r.stepsRun,
                  r.seconds);
      out.push_back(r.z);
    }
    std::printf("\nmax |cpu - %s| = %.2e\n\n", gpu.c_str(), maxAbsDiff(out[0], out[1]));
  });

  section("streamed", [&] {
    AdaptationOptions o;
    o.steps = 100;
    o.seed = 1;
    o.device = gpu;
    o.tileSize = 40;
    Cube streamed(scene.first.bands, scene.first.rows, scene.first.cols);
    const AdaptationResult r = adaptSceneStreamed(WindowSource::ofCube(scene.first), scene.lr, scene.msi,
                                                  scene.p.matrix(), scene.scale, o, collectInto(streamed));
    o.tileSize = 0;
    const AdaptationResult whole = adaptScene(scene.first, scene.lr, scene.msi, scene.p.matrix(), scene.scale, o);
    std::printf("streamed (tiles of 40) on %s: %.3f dB; in memory %.3f dB; max difference %.2e\n\n", gpu.c_str(),
                psnrUal(scene.truth, streamed), psnrUal(scene.truth, whole.z), maxAbsDiff(streamed, whole.z));
  });

  if (argc > 2)
    section("module", [&] {
      const FusionModel model = FusionModel::load(argv[2]);
      const Cube stage1 = stageOneEstimate(model.info().stage1, scene.lr, scene.msi, scene.scale);
      const Cube cpu = model.infer(scene.msi, stage1, "cpu"), dev = model.infer(scene.msi, stage1, gpu, 32);
      std::printf("fusion module %s: cpu %.3f dB, %s (tiles of 32) %.3f dB, max difference %.2e\n\n", argv[2],
                  psnrUal(scene.truth, cpu), gpu.c_str(), psnrUal(scene.truth, dev), maxAbsDiff(cpu, dev));
    });

  section("pretraining", [&] {
    FusionModelInfo info;
    info.width = 16;
    info.scale = scene.scale;
    info.stage1 = "gsa";
    info.hsiBands = bands;
    info.msiBands = scene.p.keptBandNames();
    info.p = scene.p.matrix();
    FusionModel model(info, 1);
    PretrainOptions o;
    o.steps = 200;
    o.patch = 20 * scene.scale;
    o.validateEvery = 100;
    o.checkpointEvery = 0;
    o.device = gpu;
    const auto t = std::chrono::steady_clock::now();
    pretrainFusion(model, {scene.truth}, scene.truth, o);
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
    std::printf("pretraining on %s, 200 steps: %.1f s, validation %.2f dB (its GSA input %.2f dB)\n\n", gpu.c_str(),
                sec, model.info().validationPsnr, model.info().validationPsnrStage1);
  });

  // Steps per second against s and the band count on the checked device (bench/step_cost measures the CPU).
  section("steps", [&] {
    const Cube source = mirrorTiled(scene.truth, {0, 0, 384, 384});
    std::printf("| s | bands | patch (LR px) | steps/s on %s |\n|---|---|---|---|\n", gpu.c_str());
    for (int nb : {31, 128, 244}) {
      const auto [z, wl] = spreadBands(source, nb);
      const SpectralResponse p = SpectralResponse::fromSpec("sentinel2a", wl);
      const Cube x = projectSpectrally(z, p.matrix());
      for (int s : {3, 4, 8, 16}) {
        const Cube y = blurDownsample(z, BlurKernel::gaussian(2 * s + 1, s / 2.0), s);
        const Cube first = fuseGsa(y, x, s);
        // Timed between two observations (the observer's own work excluded), so the run's fixed costs (the kernel's
        // least-squares start, the final pass) drop out.
        AdaptationOptions o;
        o.steps = 100;
        o.patchLr = defaultPatchLr(s, nb);
        o.validateEvery = 0;
        o.seed = 1;
        o.device = gpu;
        o.observeEvery = 50;
        o.kernelInitLeastSquares =
            false;  // the least-squares start (seconds on the CPU at s = 16) does not change a step
        std::vector<double> at;
        o.observe = [&](int, double seconds, const Cube&) { at.push_back(seconds); };
        adaptScene(first, y, x, p.matrix(), s, o);
        std::printf("| %d | %d | %d | %.1f |\n", s, nb, std::min(defaultPatchLr(s, nb), y.rows),
                    at.size() >= 2 ? 50 / (at[1] - at[0]) : 0.0);
        std::fflush(stdout);
      }
    }
  });
  return 0;
}
