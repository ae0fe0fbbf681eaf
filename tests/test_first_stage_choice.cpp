// lib/FirstStageChoice: candidates scored on the scene itself, at reduced resolution or by consistency.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <utility>

#include "TestSupport.h"
#include "geo/RasterDataset.h"
#include "lib/fusion/ClassicalFusion.h"
#include "lib/fusion/FirstStageChoice.h"
#include "lib/quality/Metrics.h"
#include "lib/spatial/Degradation.h"
#include "lib/spatial/Resampling.h"
#include "lib/spectral/BandNoise.h"
#include "lib/spectral/SpectralResponse.h"

using namespace hsifuse;

namespace {

struct ChoiceCase {
  Cube z, y, x;
  std::vector<std::vector<double>> p;
  BlurKernel k = BlurKernel::gaussian(9, 1.5);
  int s = 3;
  explicit ChoiceCase(int side, double snrDb = 40.0) {
    z = RasterDataset::open(test::dataPath("hyperion_paris_48x48x128_f32.tif")).read().crop({0, 0, side, side});
    z.scale(1.0f / z.peak());
    const auto bands = readRasterInfo(test::dataPath("hyperion_paris_48x48x128_f32.tif")).spectralBands();
    p = SpectralResponse::fromCurves(ResponseCurves::load(resolveSrf("sentinel2a")), bands).matrix();
    y = blurDownsample(z, k, s);
    addNoiseAtSnr(y, snrDb, 5);
    x = projectSpectrally(z, p);
  }
};

Cube gsa(const Cube& y, const Cube& x, int s) {
  return fuseGsa(y, x, s);
}
Cube bicubic(const Cube& y, const Cube&, int s) {
  return upsample(y, s, Interpolation::Bicubic);
}

}  // namespace

// GSA against the plain bicubic upsampling and a GSA result damaged by a spectral tilt: the measure ranks them as
// the truth does, the choice is the best by that measure, and the reduced-resolution scores are reported.
TEST(FirstStageChoice, ReducedResolutionRanksCandidatesAsTheTruthDoes) {
  const ChoiceCase c(48);  // 16 x 16 LR pixels: 5 x 5 one level down
  const std::vector<StageCandidate> candidates{
      {"bicubic", [&](const Cube& y, const Cube& x) { return bicubic(y, x, c.s); }},
      {"gsa", [&](const Cube& y, const Cube& x) { return gsa(y, x, c.s); }},
      {"tilted", [&](const Cube& y, const Cube& x) {
         Cube z = gsa(y, x, c.s);
         for (int b = 0; b < z.bands; ++b)
           for (std::size_t i = 0; i < z.planeSize(); ++i) z.band(b)[i] *= 1.0f + 0.3f * b / z.bands;
         return z;
       }}};
  const StageChoice choice = chooseFirstStage(candidates, c.y, c.x, c.p, c.k, c.s);
  EXPECT_EQ(choice.measure.rfind("reduced-resolution PSNR (mean error over ", 0), 0u) << choice.measure;
  ASSERT_EQ(choice.scores.size(), 3u);
  EXPECT_EQ(choice.chosen, "gsa");
  const double truthGsa = psnrCube(c.z, gsa(c.y, c.x, c.s)), truthBicubic = psnrCube(c.z, bicubic(c.y, c.x, c.s));
  EXPECT_GT(truthGsa, truthBicubic);
  for (const auto& s : choice.scores) {
    EXPECT_TRUE(std::isfinite(s.reducedPsnr));
    EXPECT_TRUE(std::isfinite(s.consistencyPsnr));
    if (s.name != "gsa") {
      EXPECT_LT(s.reducedPsnr, choice.scores[1].reducedPsnr);
    }
  }
}

// Under kMinReducedSide reduced pixels the first candidate is taken; the consistency with the observations is
// still reported and separates a candidate inconsistent with both.
TEST(FirstStageChoice, SmallScenesTakeTheFirstCandidateAndReportConsistency) {
  const ChoiceCase c(24);  // 8 x 8 LR pixels: 2 x 2 one level down
  const std::vector<StageCandidate> candidates{{"dimmed",
                                                [&](const Cube& y, const Cube& x) {
                                                  Cube z = gsa(y, x, c.s);
                                                  z.scale(0.8f);
                                                  return z;
                                                }},
                                               {"gsa", [&](const Cube& y, const Cube& x) { return gsa(y, x, c.s); }}};
  const StageChoice choice = chooseFirstStage(candidates, c.y, c.x, c.p, c.k, c.s);
  EXPECT_NE(choice.measure.find("first candidate"), std::string::npos) << choice.measure;
  EXPECT_EQ(choice.chosen, "dimmed");
  EXPECT_TRUE(std::isnan(choice.scores[0].reducedPsnr));
  EXPECT_LT(choice.scores[0].consistencyPsnr + 5, choice.scores[1].consistencyPsnr);
  // The truth itself is consistent with the noise-free X and with Y up to its noise.
  EXPECT_GT(consistencyPsnr(c.z, c.y, c.x, c.p, c.k, c.s), choice.scores[1].consistencyPsnr);
}

// Too small for the check: the first candidate in the callers' order of preference, blendable or not, and no blend
// (nothing on the scene to fit its weights on); every candidate's consistency is still reported.
TEST(FirstStageChoice, SmallScenesTakeTheFirstCandidate) {
  const ChoiceCase c(24);  // 8 x 8 LR pixels: 2 x 2 one level down
  auto glp = [&](const Cube& y, const Cube& x) { return fuseGlpHs(y, x, c.s, c.k); };
  auto gsaFuse = [&](const Cube& y, const Cube& x) { return gsa(y, x, c.s); };
  for (const char* first : {"gsa", "glp-hs"}) {
    std::vector<StageCandidate> candidates{{"gsa", gsaFuse, true}, {"glp-hs", glp, true}};
    if (std::string(first) == "glp-hs") std::swap(candidates[0], candidates[1]);
    const StageChoice choice = chooseFirstStage(candidates, c.y, c.x, c.p, c.k, c.s);
    EXPECT_EQ(choice.chosen, first);
    EXPECT_NE(choice.measure.find("first candidate"), std::string::npos) << choice.measure;
    ASSERT_EQ(choice.scores.size(), 2u);
    for (const StageScore& score : choice.scores) {
      EXPECT_TRUE(std::isnan(score.reducedPsnr));
      EXPECT_TRUE(std::isfinite(score.consistencyPsnr));
    }
    EXPECT_TRUE(choice.blend.empty());
  }
  const StageChoice module =
      chooseFirstStage({{"model", gsaFuse}, {"gsa", gsaFuse, true}, {"glp-hs", glp, true}}, c.y, c.x, c.p, c.k, c.s);
  EXPECT_EQ(module.chosen, "model");
  EXPECT_TRUE(module.blend.empty());
}

// Two candidates marked blendable form a third, "blend": convex weights per band, scored on the same reduced pairs
// (so never below its best part there), and applied at full resolution it is at least as close to the truth as the
// better part, within a tenth of a dB. Without two blendable candidates there is no blend.
TEST(FirstStageChoice, BlendOfTheClassicalCandidates) {
  const ChoiceCase c(48);
  auto glp = [&](const Cube& y, const Cube& x) { return fuseGlpHs(y, x, c.s, c.k); };
  const std::vector<StageCandidate> candidates{
      {"gsa", [&](const Cube& y, const Cube& x) { return gsa(y, x, c.s); }, true}, {"glp-hs", glp, true}};
  const StageChoice choice = chooseFirstStage(candidates, c.y, c.x, c.p, c.k, c.s);
  ASSERT_EQ(choice.scores.size(), 3u);
  EXPECT_EQ(choice.scores[2].name, kBlendStage);
  EXPECT_GE(choice.scores[2].reducedPsnr, std::max(choice.scores[0].reducedPsnr, choice.scores[1].reducedPsnr));
  EXPECT_TRUE(std::isfinite(choice.scores[2].consistencyPsnr));
  EXPECT_EQ(choice.chosen, kBlendStage);
  ASSERT_EQ(choice.blend.parts, (std::vector<std::string>{"gsa", "glp-hs"}));
  ASSERT_EQ(choice.blend.weights.size(), static_cast<std::size_t>(c.y.bands));
  for (const auto& row : choice.blend.weights) {
    EXPECT_GE(row[0], 0.0);
    EXPECT_GE(row[1], 0.0);
    EXPECT_NEAR(row[0] + row[1], 1.0, 1e-9);
  }
  const Cube zGsa = gsa(c.y, c.x, c.s), zGlp = glp(c.y, c.x);
  const double blended = psnrCube(c.z, blendCubes({zGsa, zGlp}, choice.blend.weights));
  EXPECT_GT(blended, std::max(psnrCube(c.z, zGsa), psnrCube(c.z, zGlp)) - 0.1);

  const std::vector<StageCandidate> one{candidates[0], {"glp-hs", glp}};
  const StageChoice single = chooseFirstStage(one, c.y, c.x, c.p, c.k, c.s);
  EXPECT_EQ(single.scores.size(), 2u);
  EXPECT_TRUE(single.blend.empty());
}

// Degrading Y once more averages its noise down (by 14.5 dB for this kernel); the reduced pairs get it back, so the
// candidates fuse pairs as noisy as the scene's. The noise estimate is reported, and the same seed gives the same
// scores.
TEST(FirstStageChoice, ReducedPairsAreAsNoisyAsTheScene) {
  const ChoiceCase c(48, 30.0);
  std::vector<double> reducedSnr;
  const std::vector<StageCandidate> candidates{{"probe", [&](const Cube& y, const Cube& x) {
                                                  if (y.rows < c.y.rows / 2)
                                                    reducedSnr.push_back(estimateBandNoise(y).snrDb);
                                                  return gsa(y, x, c.s);
                                                }}};
  const StageChoice choice = chooseFirstStage(candidates, c.y, c.x, c.p, c.k, c.s, 7);
  EXPECT_NEAR(choice.lrNoise.snrDb, 30.0, 1.5);
  EXPECT_EQ(choice.lrNoise.pixels, 16 * 16);
  ASSERT_FALSE(reducedSnr.empty());
  for (double snr : reducedSnr) EXPECT_NEAR(snr, 30.0, 4.0);
  const StageChoice again = chooseFirstStage(candidates, c.y, c.x, c.p, c.k, c.s, 7);
  EXPECT_EQ(again.scores[0].reducedPsnr, choice.scores[0].reducedPsnr);
}
