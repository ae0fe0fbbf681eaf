// models/FusionModel: its file (data only, with the sidecar) and tiled inference against the whole scene.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "ModelTestData.h"
#include "lib/core/Error.h"
#include "lib/spatial/Resampling.h"
#include "models/Networks.h"
#include "models/TensorCube.h"

using namespace hsifuse;
using namespace hsifuse::test;

TEST(FusionModelFile, SavesReloadsExactlyAndRefusesBadFiles) {
  TinyTraining t;
  test::TempDir dir;
  FusionModel m(tinyInfo(t.bands, *t.p), 3);
  pretrainFusion(m, {t.cube}, Cube(), t.options(3, ""));
  const std::string path = dir.path("m.safetensors");
  m.save(path, false);
  EXPECT_THROW(m.save(path, false), InputError);
  FusionModel back = FusionModel::load(path);
  EXPECT_EQ(back.info().msiBands, m.info().msiBands);
  EXPECT_EQ(back.info().steps, 3);
  Cube x = projectSpectrally(t.cube, t.p->matrix()), up = t.cube;
  EXPECT_EQ(back.infer(x, up).data, m.infer(x, up).data);

  back.checkCompatible(t.bands, t.p->keptBandNames(), 4);
  try {
    back.checkCompatible(t.bands, t.p->keptBandNames(), 3);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("scale 3, the model's is 4"), std::string::npos) << e.what();
  }
  EXPECT_THROW(
      back.checkCompatible(std::vector<SpectralBand>(t.bands.begin(), t.bands.end() - 1), t.p->keptBandNames(), 4),
      InputError);

  // Truncated weights, a missing sidecar, a foreign sidecar.
  std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
  EXPECT_THROW(FusionModel::load(path), InputError);
  std::filesystem::remove(path + ".json");
  EXPECT_THROW(FusionModel::load(path), InputError);
  std::ofstream(dir.path("x.safetensors")) << "not a model";
  std::ofstream(dir.path("x.safetensors.json")) << "{\"architecture\": \"resnet50\"}";
  EXPECT_THROW(FusionModel::load(dir.path("x.safetensors")), InputError);
}

// Tiled inference (lib/spatial/TilePlan.h) equals whole-scene inference: the shipped HypSen fusion module on the real
// Hyperion crop, and the adaptation module's final pass.
TEST(Tiles, FusionInferenceEqualsTheWholeScene) {
  torch::set_num_threads(2);
  const FusionModel model =
      FusionModel::load(std::string(HSIFUSE_SOURCE_DIR) + "/models/pretrained/hypsen_hyperion128_s2a_s3.safetensors");
  Cube z = RasterDataset::open(test::dataPath("hyperion_paris_48x48x128_f32.tif")).read();
  z.scale(1.0f / z.peak());
  const Cube y = blurDownsample(z, BlurKernel::gaussian(7, 1.5), 3);
  const Cube x = projectSpectrally(z, model.info().p);
  const Cube first = upsample(y, 3, Interpolation::Bicubic);
  const Cube whole = model.infer(x, first);
  int calls = 0;
  const Cube tiled = model.infer(x, first, "cpu", 12, [&](double, const std::string&) { return ++calls > 0; });
  EXPECT_EQ(calls, 16);  // 4 x 4 tiles of 12 x 12 pixels
  double diff = 0, change = 0;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    diff = std::max(diff, double(std::fabs(whole.data[i] - tiled.data[i])));
    change = std::max(change, double(std::fabs(whole.data[i] - first.data[i])));
  }
  EXPECT_LT(diff, 1e-5);    // no seams: tiles with a halo of the receptive field reproduce the whole scene
  EXPECT_GT(change, 1e-3);  // and the network does change its input, so the comparison means something
  // The module as a window source (what `fuse` streams): any window equals the same pixels of the whole scene.
  const WindowSource src = model.outputSource(WindowSource::ofCube(x), WindowSource::ofCube(first));
  double windowDiff = 0;
  for (Window w : {Window{0, 0, 48, 48}, Window{5, 7, 20, 11}, Window{40, 30, 8, 18}}) {
    const Cube part = src.read(w), expected = whole.crop(w);
    for (std::size_t i = 0; i < part.size(); ++i)
      windowDiff = std::max(windowDiff, double(std::fabs(part.data[i] - expected.data[i])));
  }
  EXPECT_LT(windowDiff, 1e-5);
}
