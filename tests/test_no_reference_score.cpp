// lib/quality/NoReferenceScore on real cubes: the validation of issue "quality" section 4 (the score worsens with
// noise and blur, bicubic upsampling scores worse than the cube). QNR and the pieces the score is built from have
// their own files (test_qnr, test_fft, ...).
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <random>

#include "QualityTestData.h"
#include "geo/GdalEnvironment.h"
#include "geo/RasterDataset.h"
#include "geo/RasterWriter.h"
#include "lib/core/Error.h"
#include "lib/numeric/Fft.h"
#include "lib/numeric/SymmetricEigen.h"
#include "lib/quality/DistributionFit.h"
#include "lib/quality/NoReferenceScore.h"
#include "lib/quality/Qnr.h"
#include "lib/spatial/Degradation.h"
#include "lib/spatial/Resampling.h"
#include "lib/spatial/ShiftEstimation.h"
#include "lib/spectral/ResponseEstimation.h"
#include "lib/spectral/SpectralResponse.h"
#include "pipeline/QualityJob.h"

using namespace hsifuse;
using namespace hsifuse::test;

namespace {

Cube noisy(const Cube& c, double sigma, unsigned seed) {
  Cube out = c;
  addGaussianNoise(out, sigma, seed);
  return out;
}

Cube boxBlurred(const Cube& c, int size) {
  return blurDownsample(c, BlurKernel::box(size), 1);
}

double score(const Scene& s, const Cube& c) {
  return scoreCube(c, 1.0, s.bands, {}, {}).score;
}

// Noise 0.01 .. 0.2 of the range must make the score worse step by step from the clean cube, box blur
// 3x3 .. 7x7 step by step (the clean cube against 3x3 is not asserted: the pristine cubes carry sensor noise,
// and mild smoothing scores about as well as the original; see share/quality/README.md), and bicubic
// upsampling of the cube degraded by 2 must score worse than the cube.
void expectMonotonic(const Scene& s) {
  const double clean = score(s, s.cube);
  double last = clean;
  for (double sigma : {0.01, 0.05, 0.1, 0.2}) {
    const double v = score(s, noisy(s.cube, sigma, 7));
    EXPECT_GT(v, last) << "noise sigma " << sigma;
    last = v;
  }
  last = 0;
  for (int size : {3, 5, 7}) {
    const double v = score(s, boxBlurred(s.cube, size));
    EXPECT_GT(v, last) << "box blur " << size;
    last = v;
  }
  const Cube bicubic = upsample(blurDownsample(s.cube, BlurKernel::gaussian(5, 1.0), 2), 2, Interpolation::Bicubic);
  const Cube reference = s.cube.crop({0, 0, bicubic.cols, bicubic.rows});
  EXPECT_GT(score(s, bicubic), score(s, reference));
}

}  // namespace

TEST(NoReferenceScore, FeatureRowsAndModelRoundTrip) {
  const Scene s = loadScene(dataPath("hyperion_paris_48x48x128_f32.tif"));
  const std::vector<double> w(s.cube.bands, 1.0);
  const NrFeatures f = nrFeatures(s.cube, w, {16, 0, false});
  EXPECT_EQ(f.blocks, 9);
  EXPECT_EQ(f.dims, nrFeatureCount(false));
  EXPECT_EQ(nrFeatureCount(false), 336);
  EXPECT_EQ(nrFeatureCount(true), 432);
  // A masked pixel removes its block.
  PixelMask mask(s.cube.planeSize(), 1);
  mask[20 * 48 + 20] = 0;
  EXPECT_EQ(nrFeatures(s.cube, w, {16, 0, false}, mask).blocks, 8);
  std::vector<NrFeatures> training;
  for (int t = 0; t < 8; ++t) training.push_back(nrFeatures(dihedralTransform(s.cube, t), w, {16, 8, false}));
  const PristineModel m = fitPristineModel(training, {16, 0, false}, {"crop"});
  const PristineModel back = PristineModel::fromJson(m.toJson(), "memory");
  EXPECT_EQ(back.components, m.components);
  EXPECT_DOUBLE_EQ(nrScore(back, f).score, nrScore(m, f).score);
  EXPECT_THROW(PristineModel::fromJson("{\"format\": \"hsi-fuse-nr-model\"}", "x.json"), InputError);
  // Fewer than 2 blocks: NaN.
  EXPECT_TRUE(std::isnan(nrScore(m, nrFeatures(s.cube.crop({0, 0, 20, 20}), w, {16, 0, false})).score));
}

TEST(NoReferenceScore, WorsensWithNoiseAndBlurOnHyperion) {
  // The example's truth: the real EO-1 Hyperion Paris cube, which the shipped model did not see.
  expectMonotonic(loadScene(HSIFUSE_SOURCE_DIR "/examples/hypsen/hypsen_truth_10m.tif"));
}

TEST(NoReferenceScore, WorsensWithNoiseAndBlurOnAviris) {
  expectMonotonic(loadScene(dataPath("salinasA_aviris_64x64x224.tif")));
}
