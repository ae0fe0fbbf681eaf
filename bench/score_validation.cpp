// Leave-one-out validation of the no-reference score (issue "quality" section 4): for each real cube,
// fit the pristine model on the other cubes, then score the held-out cube clean, with Gaussian noise
// (sigma 0.01 .. 0.2 of its range), with box blur (3x3 .. 7x7) and as the bicubic upsampling of its x2
// degradation. Prints a Markdown table; a row is monotonic when every distortion step scores worse.
// With --model, every cube is scored with that model instead (no leave-one-out fit).
//   score_validation CUBE CUBE ... [--block N] [--model JSON]
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "geo/GdalEnvironment.h"
#include "geo/RasterDataset.h"
#include "lib/spatial/Degradation.h"
#include "lib/spatial/Resampling.h"
#include "pipeline/QualityJob.h"

using namespace hsifuse;

namespace {

Cube noisy(const Cube& c, double sigma) {
  Cube out = c;
  addGaussianNoise(out, sigma, 7);
  return out;
}

Cube boxBlurred(const Cube& c, int size) {
  return blurDownsample(c, BlurKernel::box(size), 1);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> cubes;
  int block = 32;
  std::string fixedModel;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--block" && i + 1 < argc)
      block = std::atoi(argv[++i]);
    else if (a == "--model" && i + 1 < argc)
      fixedModel = argv[++i];
    else
      cubes.push_back(a);
  }
  if (cubes.size() < (fixedModel.empty() ? 2u : 1u)) {
    std::fprintf(stderr, "usage: score_validation CUBE CUBE ... [--block N]\n");
    return 2;
  }
  initGdal();
  const std::string model = fixedModel.empty()
                                ? (std::filesystem::temp_directory_path() / "hsifuse_score_validation.json").string()
                                : fixedModel;
  std::printf(
      "| held-out cube | clean | n.01 | n.05 | n.10 | n.20 | box3 | box5 | box7 | crop | bicubic x2 | monotonic |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  int passed = 0;
  for (std::size_t h = 0; h < cubes.size(); ++h) {
    if (fixedModel.empty()) {
      ScoreTrainingOptions t;
      for (std::size_t k = 0; k < cubes.size(); ++k)
        if (k != h) t.cubes.push_back(cubes[k]);
      t.out = model;
      t.overwrite = true;
      t.features.blockSize = block;
      trainScoreModel(t);
    }
    const RasterDataset ds = RasterDataset::open(cubes[h]);
    Cube c = ds.read();
    c.scale(static_cast<float>(normalisationFactor(c, "paper", {}, "")));
    const auto bands = ds.info().spectralBands();
    auto score = [&](const Cube& x) { return scoreCube(x, 1.0, bands, {}, {model}).score; };
    std::vector<double> v{score(c)};
    for (double s : {0.01, 0.05, 0.1, 0.2}) v.push_back(score(noisy(c, s)));
    for (int s : {3, 5, 7}) v.push_back(score(boxBlurred(c, s)));
    const Cube bicubic = upsample(blurDownsample(c, BlurKernel::gaussian(5, 1.0), 2), 2, Interpolation::Bicubic);
    v.push_back(score(c.crop({0, 0, bicubic.cols, bicubic.rows})));
    v.push_back(score(bicubic));
    bool mono = v[1] > v[0] && v[2] > v[1] && v[3] > v[2] && v[4] > v[3] && v[5] > v[0] && v[6] > v[5] && v[7] > v[6] &&
                v[9] > v[8];
    passed += mono;
    std::printf("| %s |", std::filesystem::path(cubes[h]).filename().c_str());
    for (double x : v) std::printf(" %.2f |", x);
    std::printf(" %s |\n", mono ? "yes" : "no");
    std::fflush(stdout);
  }
  std::printf("\n%d of %zu held-out cubes monotonic (block %d)\n", passed, cubes.size(), block);
  if (fixedModel.empty()) std::filesystem::remove(model);
  return 0;
}
