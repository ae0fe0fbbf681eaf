// Time-to-quality curve of one UAL adaptation run: PSNR of Z^ against the wall time of the adaptation, for a
// case written by bench/protocol (its folder holds lr.tif, msi.tif and truth.tif). Prints CSV
// (step,seconds,psnr_db); bench/protocol plots it with gnuplot when that is installed.
//   time_to_quality CASE_DIR SRF [STEPS [EVERY [MODEL|none]]]
// The first stage is GSA, refined by MODEL's fusion module when one is given (the shipped model that fuse
// would pick is the caller's choice). Observation time (a whole-scene pass per point) is not counted.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "geo/RasterDataset.h"
#include "lib/core/Error.h"
#include "lib/fusion/ClassicalFusion.h"
#include "lib/quality/Metrics.h"
#include "lib/spectral/SpectralResponse.h"
#include "models/Adaptation.h"
#include "models/FusionModel.h"
#include "models/TorchRuntime.h"

using namespace hsifuse;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: time_to_quality CASE_DIR SRF [STEPS [EVERY [MODEL|none]]]\n");
    return 2;
  }
  try {
    const std::string dir = argv[1];
    const int steps = argc > 3 ? std::atoi(argv[3]) : 1500;
    const int every = argc > 4 ? std::atoi(argv[4]) : 100;
    const std::string modelPath = argc > 5 ? argv[5] : "none";
    setTorchThreads(2);
    const RasterDataset lrDs = RasterDataset::open(dir + "/lr.tif");
    Cube y = lrDs.read(), x = RasterDataset::open(dir + "/msi.tif").read(),
         truth = RasterDataset::open(dir + "/truth.tif").read();
    const int s = x.rows / y.rows;
    const auto p = SpectralResponse::fromSpec(argv[2], lrDs.info().spectralBands()).matrix();
    // The scale fuse works on: the HSI divided by its peak, the MSI by the same factor (X = P Z holds here).
    const float peak = y.peak();
    y.scale(1.0f / peak);
    x.scale(1.0f / peak);
    Cube first = fuseGsa(y, x, s);
    if (modelPath != "none") first = FusionModel::load(modelPath).infer(x, first);
    truth.scale(1.0f / peak);
    AdaptationOptions o;
    o.steps = steps;
    o.seed = 1;
    o.observeEvery = every;
    std::printf("step,seconds,psnr_db\n0,0,%.4f\n", psnrUal(truth, first));
    o.observe = [&](int step, double seconds, const Cube& z) {
      std::printf("%d,%.2f,%.4f\n", step, seconds, psnrUal(truth, z));
      std::fflush(stdout);
    };
    adaptScene(first, y, x, p, s, o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "time_to_quality: %s\n", e.what());
    return 1;
  }
  return 0;
}
