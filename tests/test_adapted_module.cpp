// models/AdaptedModule: the adaptation module an adaptation ends with, applied again window by window and through a
// file (issue #15: adapt once, apply in blocks).
#include <gtest/gtest.h>

#include <cmath>

#include "GeoTestData.h"
#include "lib/core/Error.h"
#include "lib/core/TensorFile.h"
#include "lib/fusion/ClassicalFusion.h"
#include "lib/spatial/Degradation.h"
#include "lib/spectral/SpectralResponse.h"
#include "models/Adaptation.h"
#include "models/AdaptedModule.h"

using namespace hsifuse;

namespace {

// A 48 x 48 x 128 Hyperion crop at s = 4, GSA first stage, a short whole-scene adaptation.
struct Adapted {
  Cube first, output;
  AdaptationResult result;
  Adapted() {
    Cube z = test::hyperionCube();
    z.scale(1.0f / z.peak());
    const RasterInfo info = readRasterInfo(test::dataPath("hyperion_paris_48x48x128_f32.tif"));
    const auto p =
        SpectralResponse::fromCurves(ResponseCurves::load(resolveSrf("sentinel2a")), info.spectralBands()).matrix();
    const Cube y = blurDownsample(z, BlurKernel::gaussian(7, 1.5), 4), x = projectSpectrally(z, p);
    first = fuseGsa(y, x, 4);
    AdaptationOptions o;
    o.steps = 20;
    o.validateEvery = 10;
    o.tileSize = 24;
    output = Cube(first.bands, first.rows, first.cols);
    result = adaptSceneStreamed(WindowSource::ofCube(first), y, x, p, 4, o, collectInto(output));
  }
};

double worstDifference(const Cube& a, const Cube& b) {
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, double(std::fabs(a.data[i] - b.data[i])));
  return worst;
}

}  // namespace

TEST(AdaptedModule, ReproducesTheAdaptationsOutputOnItsTilesAndAnyOtherWindow) {
  const Adapted a;
  ASSERT_TRUE(a.result.adapted);
  const WindowSource z = a.result.adapted->outputSource(WindowSource::ofCube(a.first));
  // The final pass's own tiles (24 x 24): the same computation, bit for bit.
  for (const Window w : {Window{0, 0, 24, 24}, Window{24, 24, 24, 24}})
    EXPECT_EQ(z.read(w).data, a.output.crop(w).data);
  // Any other window: the same up to float rounding of differently sized convolutions.
  for (const Window w : {Window{5, 7, 30, 17}, Window{0, 0, 48, 48}})
    EXPECT_LT(worstDifference(z.read(w), a.output.crop(w)), 1e-5);
  // The adaptation changed something (the comparison above is not of the first stage with itself).
  EXPECT_GT(worstDifference(a.output, a.first), 1e-4);
}

TEST(AdaptedModule, SavedAndLoadedGivesTheSameOutputAndForeignFilesAreRefused) {
  test::TempDir dir;
  const Adapted a;
  a.result.adapted->save(dir.path("adapted.safetensors"), false);
  EXPECT_THROW(a.result.adapted->save(dir.path("adapted.safetensors"), false), InputError);  // no --overwrite
  const AdaptedModule back = AdaptedModule::load(dir.path("adapted.safetensors"));
  EXPECT_EQ(back.bands(), 128);
  EXPECT_EQ(back.depth(), a.result.adapted->depth());
  const Window w{0, 0, 24, 24};
  EXPECT_EQ(back.outputSource(WindowSource::ofCube(a.first)).read(w).data, a.output.crop(w).data);
  // A weights file of something else has no adaptation metadata.
  TensorFile other;
  other.metadata["format"] = "something else";
  writeTensorFile(dir.path("other.safetensors"), other);
  EXPECT_THROW(AdaptedModule::load(dir.path("other.safetensors")), InputError);
}
