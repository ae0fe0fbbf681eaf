#pragma once
// Cases shared by the test files of models/ (header only: their executable links LibTorch, geo/ and lib/).
#include <torch/torch.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "TestSupport.h"
#include "geo/RasterDataset.h"
#include "lib/fusion/ClassicalFusion.h"
#include "lib/quality/Metrics.h"
#include "lib/spatial/Degradation.h"
#include "lib/spectral/SpectralResponse.h"
#include "models/Adaptation.h"
#include "models/FusionModel.h"
#include "models/Pretraining.h"

namespace hsifuse::test {

// The real Hyperion crop degraded with UAL's motion kernel #1 at s = 4 and 40 dB, and GSA as the
// first stage.
struct RealCase {
  Cube z, y, x, first;
  std::vector<std::vector<double>> p;
  BlurKernel truth;
  int s = 4;
  RealCase() {
    torch::set_num_threads(2);
    z = RasterDataset::open(dataPath("hyperion_paris_48x48x128_f32.tif")).read();
    z.scale(1.0f / z.peak());
    RasterInfo info = readRasterInfo(dataPath("hyperion_paris_48x48x128_f32.tif"));
    p = SpectralResponse::fromCurves(ResponseCurves::load(resolveSrf("sentinel2a")), info.spectralBands()).matrix();
    truth = BlurKernel::parse(dataPath("ual_motion_kernel_01_13x13.csv"));
    y = blurDownsample(z, truth, s);
    addNoiseAtSnr(y, 40.0, 11);
    x = projectSpectrally(z, p);
    first = fuseGsa(y, x, s);
  }
  // L1 distance of the kernel's shape (scaled to sum 1: the free kernel may also carry a gain) to the
  // true kernel, embedded at the offset that keeps Degradation.h's phase.
  double kernelDistance(BlurKernel k) const {
    k.normalise();
    const int off = degradationPadding(k.rows, s) - degradationPadding(truth.rows, s);
    double d = 0;
    for (int i = 0; i < k.rows; ++i)
      for (int j = 0; j < k.cols; ++j) {
        const int ti = i - off, tj = j - off;
        const bool in = ti >= 0 && ti < truth.rows && tj >= 0 && tj < truth.cols;
        d += std::fabs(k.at(i, j) - (in ? truth.at(ti, tj) : 0.0));
      }
    return d;
  }
  double fitError(const AdaptationResult& r) const { return rmse8(y, degenerate(r.z, r.kernel, s)); }
};

inline AdaptationOptions wholeScene(int steps, double lr) {
  AdaptationOptions o;
  o.steps = steps;
  o.learningRate = lr;
  o.patchLr = 0;  // whole scene: deterministic steps
  o.seed = 1;
  return o;
}

inline FusionModelInfo tinyInfo(const std::vector<SpectralBand>& bands, const SpectralResponse& p) {
  FusionModelInfo info;
  info.width = 8;
  info.depth = 2;
  info.scale = 4;
  info.stage1 = "bicubic";
  info.hsiBands = bands;
  info.msiBands = p.keptBandNames();
  info.p = p.matrix();
  return info;
}

struct TinyTraining {
  std::vector<SpectralBand> bands;
  Cube cube;
  std::unique_ptr<SpectralResponse> p;
  TinyTraining() {
    torch::set_num_threads(1);
    RasterDataset ds = RasterDataset::open(dataPath("hyperion_paris_48x48x128_f32.tif"));
    // 16 VNIR bands keep the test fast.
    std::vector<int> keep;
    for (int b = 0; b < 16; ++b) keep.push_back(b * 2);
    cube = ds.readWindow({0, 0, 48, 48}, keep);
    cube.scale(1.0f / cube.peak());
    for (int b : keep) bands.push_back(ds.info().bands[b].spectral);
    p = std::make_unique<SpectralResponse>(
        SpectralResponse::fromCurves(ResponseCurves::load(resolveSrf("sentinel2a")), bands));
  }
  PretrainOptions options(int steps, const std::string& checkpoint) const {
    PretrainOptions o;
    o.steps = steps;
    o.batch = 2;
    o.patch = 16;
    o.checkpoint = checkpoint;
    o.checkpointEvery = 2;
    o.validateEvery = 0;
    o.seed = 4;
    return o;
  }
};

}  // namespace hsifuse::test
