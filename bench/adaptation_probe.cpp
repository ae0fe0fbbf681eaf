// Adaptation probe: PSNR and kernel error against steps on the real Hyperion crop, for choosing
// defaults by measurement. Usage: adaptation_probe CUBE KERNEL_CSV [steps lr klr width patchLr patches scale]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "geo/RasterDataset.h"
#include "lib/fusion/ClassicalFusion.h"
#include "lib/quality/Metrics.h"
#include "lib/spatial/Degradation.h"
#include "lib/spatial/Resampling.h"
#include "lib/spectral/SpectralResponse.h"
#include "models/Adaptation.h"
#include "models/TorchRuntime.h"

using namespace hsifuse;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s CUBE KERNEL_CSV [steps lr klr width patchLr patches scale]\n", argv[0]);
    return 2;
  }
  auto arg = [&](int i, double d) { return argc > i ? std::atof(argv[i]) : d; };
  setTorchThreads(2);
  Cube z = RasterDataset::open(argv[1]).read();
  z.scale(1.0f / z.peak());
  RasterInfo info = readRasterInfo(argv[1]);
  auto p = SpectralResponse::fromCurves(ResponseCurves::load(resolveSrf("sentinel2a")), info.spectralBands());
  const int s = static_cast<int>(arg(9, 4));
  const BlurKernel truth = BlurKernel::parse(argv[2]);
  Cube y = blurDownsample(z, truth, s);
  addNoiseAtSnr(y, 40.0, 11);
  Cube x = projectSpectrally(z, p.matrix());
  Cube first = fuseGsa(y, x, s);
  std::printf("bicubic %.3f dB, GSA %.3f dB\n", psnrUal(z, upsample(y, s, Interpolation::Bicubic)), psnrUal(z, first));
  AdaptationOptions o;
  o.kernelInitLeastSquares = std::getenv("GAUSS_INIT") == nullptr;
  o.learningRate = arg(4, 5e-4);
  o.kernelLearningRate = arg(5, 1e-4);
  o.width = static_cast<int>(arg(6, 32));
  o.patchLr = static_cast<int>(arg(7, 8));
  o.patchesPerStep = static_cast<int>(arg(8, 2));
  const int total = static_cast<int>(arg(3, 600));
  for (int steps : {0, total / 4, total / 2, total}) {
    o.steps = steps;
    o.seed = 1;
    auto r = adaptScene(first, y, x, p.matrix(), s, o);
    Cube dz = degenerate(r.z, r.kernel, s);
    // L1 distance of the estimate to the true kernel embedded at the phase-preserving offset.
    const int off = degradationPadding(r.kernel.rows, s) - degradationPadding(truth.rows, s);
    double kd = 0;
    for (int i = 0; i < r.kernel.rows; ++i)
      for (int j = 0; j < r.kernel.cols; ++j) {
        const int ti = i - off, tj = j - off;
        const bool in = ti >= 0 && ti < truth.rows && tj >= 0 && tj < truth.cols;
        kd += std::fabs(r.kernel.at(i, j) - (in ? truth.at(ti, tj) : 0.0));
      }
    if (steps == total)
      for (std::size_t i = 0; i < r.lossHistory.size(); i += std::max<std::size_t>(1, r.lossHistory.size() / 8))
        std::printf("  loss at step %d: %.6f\n", r.lossHistory[i].first, r.lossHistory[i].second);
    std::printf("steps %4d: PSNR %.3f dB, SAM %.3f, |D(Z^)-Y| %.5f, kernel L1 to truth %.3f, %.1f s\n", steps,
                psnrUal(z, r.z), samDegrees(z, r.z), std::sqrt(std::pow(rmse8(y, dz) / 255, 2)), kd, r.seconds);
  }
  return 0;
}
