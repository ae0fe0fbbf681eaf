// Speed of `eval` and `score` on a HypSen-size cube (issue "quality" section 5: 750 x 990 x 84 within
// 20 s each on the 2-core CPU). The cube is the real EO-1 Hyperion Paris cube (first 84 bands) mirrored
// and tiled to 990 columns x 750 rows; the estimate is the same cube with 1 % Gaussian noise.
//   quality_speed HYPERION_CUBE [WORKDIR]
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "geo/GdalEnvironment.h"
#include "geo/RasterDataset.h"
#include "geo/RasterWriter.h"
#include "lib/spatial/Degradation.h"
#include "lib/spatial/Resampling.h"
#include "pipeline/QualityJob.h"

using namespace hsifuse;

namespace {

double secondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: quality_speed HYPERION_CUBE [WORKDIR]\n");
    return 2;
  }
  initGdal();
  const std::filesystem::path dir =
      argc > 2 ? argv[2] : std::filesystem::temp_directory_path() / "hsifuse_quality_speed";
  std::filesystem::create_directories(dir);
  const RasterDataset src = RasterDataset::open(argv[1]);
  const int bands = std::min(84, src.info().bandCount()), rows = 750, cols = 990;
  std::vector<int> keep(bands);
  for (int b = 0; b < bands; ++b) keep[b] = b;
  const Cube small = src.readWindow({0, 0, src.info().width, src.info().height}, keep);
  const Cube big = mirrorTiled(small, {0, 0, cols, rows});
  Cube noisy = big;
  addGaussianNoise(noisy, 0.01 * small.peak(), 1);
  RasterInfo layout = src.info().selectBands(keep);
  layout.width = cols;
  layout.height = rows;
  WriteOptions w;
  w.overwrite = true;
  for (auto [name, cube] : {std::pair<std::string, const Cube*>{"truth.tif", &big}, {"estimate.tif", &noisy}}) {
    RasterWriter writer((dir / name).string(), layout, w);
    writer.writeWindow({0, 0, cols, rows}, *cube);
    writer.commit();
  }
  EvalOptions e;
  e.reference = (dir / "truth.tif").string();
  e.estimate = (dir / "estimate.tif").string();
  e.ratio = 3;
  auto t = std::chrono::steady_clock::now();
  const EvalResult er = evaluateFiles(e);
  const double evalSeconds = secondsSince(t);
  ScoreOptions s;
  s.fused = e.estimate;
  t = std::chrono::steady_clock::now();
  const ScoreResult sr = scoreFiles(s);
  const double scoreSeconds = secondsSince(t);
  std::printf("cube %d x %d x %d (cols x rows x bands)\n", cols, rows, bands);
  std::printf("eval:  %.1f s (psnr %.2f dB, q2n %.4f, uiqi %.4f)\n", evalSeconds, er.psnr, er.q2n, er.uiqi);
  std::printf("score: %.1f s (%d blocks, score %.3f)\n", scoreSeconds, sr.blocks, sr.score);
  return 0;
}
