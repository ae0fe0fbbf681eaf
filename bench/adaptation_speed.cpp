// Speed of UAL's two network stages on this CPU (issue "UAL" section 6): adaptation steps per second against
// the adaptation module's width and the patch side, and fusion-module inference pixels per second against its
// width. The scene is the real Hyperion Paris cube (128 bands) mirrored to 240 x 240 HR pixels, s = 3, with an
// 11-band Sentinel-2A MSI. Prints Markdown tables. (The time-to-quality curve is bench/adaptation_probe's.)
//   adaptation_speed HYPERION_CUBE [THREADS]
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "geo/RasterDataset.h"
#include "lib/fusion/ClassicalFusion.h"
#include "lib/spatial/Degradation.h"
#include "lib/spatial/Resampling.h"
#include "lib/spectral/SpectralResponse.h"
#include "models/Adaptation.h"
#include "models/FusionModel.h"
#include "models/TorchRuntime.h"

using namespace hsifuse;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: adaptation_speed HYPERION_CUBE [THREADS]\n");
    return 2;
  }
  const int threads = argc > 2 ? std::atoi(argv[2]) : 2;
  setTorchThreads(threads);
  const RasterDataset ds = RasterDataset::open(argv[1]);
  const Cube small = ds.read();
  const int n = 240, s = 3;
  Cube z = mirrorTiled(small, {0, 0, n, n});
  z.scale(1.0f / z.peak());
  const auto bands = ds.info().spectralBands();
  const SpectralResponse p = SpectralResponse::fromSpec("sentinel2a", bands);
  const Cube y = blurDownsample(z, BlurKernel::gaussian(7, 1.5), s), x = projectSpectrally(z, p.matrix());
  const Cube first = fuseGsa(y, x, s);
  std::printf("%d threads; scene %d x %d HR, %d bands, s = %d\n\n", threads, n, n, z.bands, s);
  std::printf("| adaptation width | patch (LR px) | steps/s | HR pixels/s seen |\n|---|---|---|---|\n");
  for (int width : {8, 16, 32})
    for (int patch : {16, 32, 64}) {
      AdaptationOptions o;
      o.steps = 20;
      o.width = width;
      o.patchLr = patch;
      o.seed = 1;
      const AdaptationResult r = adaptScene(first, y, x, p.matrix(), s, o);
      const double perSecond = r.stepsRun / r.seconds;  // includes the final whole-scene pass and the kernel start
      std::printf("| %d | %d | %.2f | %.0f |\n", width, patch, perSecond, perSecond * (patch * s) * (patch * s));
      std::fflush(stdout);
    }
  std::printf("\n| fusion width | inference HR pixels/s |\n|---|---|\n");
  for (int width : {8, 16, 32, 64}) {
    FusionModelInfo info;
    info.width = width;
    info.depth = 3;
    info.scale = s;
    info.stage1 = "gsa";
    info.hsiBands = bands;
    info.msiBands = p.keptBandNames();
    info.p = p.matrix();
    const FusionModel model(info, 1);
    model.infer(x, first, "cpu", 120);  // warm-up
    const auto t = std::chrono::steady_clock::now();
    model.infer(x, first, "cpu", 120);
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
    std::printf("| %d | %.0f |\n", width, double(n) * n / sec);
    std::fflush(stdout);
  }
  return 0;
}
