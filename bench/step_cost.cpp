// Cost of one adaptation step against the scale and the band count (issue #12 item 6): steps per second and
// peak resident memory with the default patch (models/Adaptation.h defaultPatchLr: at most kStepHrValues HR
// values per step) and with the fixed 64-LR patch used before. The scene is the real Hyperion Paris cube
// mirrored to 384 x 384 HR pixels (a multiple of s = 3, 4, 8, 16), its bands resampled by nearest band index to
// 31, 128 or 244 spread over 430-2400 nm, with a Sentinel-2A MSI; the first stage is GSA. The time of a step is
// the difference of a run of STEPS + 5 and one of 5 steps (so the kernel's least-squares start and the final
// pass, which do not scale with the steps, drop out). Prints Markdown.
//   step_cost HYPERION_CUBE [STEPS] [THREADS]
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>

#include "bench/SpreadBands.h"
#include "geo/RasterDataset.h"
#include "lib/fusion/ClassicalFusion.h"
#include "lib/spatial/Degradation.h"
#include "lib/spatial/Resampling.h"
#include "lib/spectral/SpectralResponse.h"
#include "models/Adaptation.h"
#include "models/TorchRuntime.h"

using namespace hsifuse;

namespace {

double peakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: step_cost HYPERION_CUBE [STEPS] [THREADS]\n");
    return 2;
  }
  const int steps = argc > 2 ? std::atoi(argv[2]) : 10;
  const int threads = argc > 3 ? std::atoi(argv[3]) : 2;
  setTorchThreads(threads);
  const Cube source = mirrorTiled(RasterDataset::open(argv[1]).read(), {0, 0, 384, 384});
  std::printf("%d threads, %d steps per run (validation off); scene 384 x 384 HR\n\n", threads, steps);
  std::printf(
      "| s | bands | patch (LR px) | HR values per step | steps/s | setup + final pass (s) | peak RSS so far (MB) |\n"
      "|---|---|---|---|---|---|---|\n");
  for (int bands : {31, 128, 244}) {
    auto [z, wl] = spreadBands(source, bands);
    z.scale(1.0f / z.peak());
    const SpectralResponse p = SpectralResponse::fromSpec("sentinel2a", wl);
    const Cube x = projectSpectrally(z, p.matrix());
    for (int s : {3, 4, 8, 16}) {
      const Cube y = blurDownsample(z, BlurKernel::gaussian(2 * s + 1, s / 2.0), s);
      const Cube first = fuseGsa(y, x, s);
      for (int patch : {defaultPatchLr(s, bands), 64}) {
        auto run = [&](int n) {
          AdaptationOptions o;
          o.steps = n;
          o.patchLr = patch;
          o.validateEvery = 0;
          o.seed = 1;
          return adaptScene(first, y, x, p.matrix(), s, o).seconds;
        };
        const double few = run(5), many = run(steps + 5);
        const double perStep = (many - few) / steps;
        const int side = std::min(patch, y.rows) * s;
        std::printf("| %d | %d | %d%s | %.1f M | %.2f | %.1f |  %.0f |\n", s, bands, std::min(patch, y.rows),
                    patch == 64 ? " (before)" : "", double(side) * side * bands / 1e6, 1.0 / perStep, few - 5 * perStep,
                    peakRssMb());
        std::fflush(stdout);
        if (std::min(patch, y.rows) == std::min(64, y.rows)) break;  // the old patch is the same: one run
      }
    }
  }
  return 0;
}
