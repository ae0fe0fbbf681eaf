// pipeline/ApplyJob + AdaptationFolder: adapt once with fuse --save-adaptation, write the output again block by
// block in separate calls, and get the one-process output bit for bit (issue #15).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "TestSupport.h"
#include "geo/RasterDataset.h"
#include "lib/core/Error.h"
#include "pipeline/AdaptationFolder.h"
#include "pipeline/ApplyJob.h"
#include "pipeline/FusionJob.h"

using namespace hsifuse;

namespace {

const std::string kLr = std::string(HSIFUSE_SOURCE_DIR) + "/examples/hypsen/hypsen_lr_hyperion_30m.tif";
const std::string kMsi = std::string(HSIFUSE_SOURCE_DIR) + "/examples/hypsen/hypsen_msi_s2_10m.tif";
const std::string kTruth = std::string(HSIFUSE_SOURCE_DIR) + "/examples/hypsen/hypsen_truth_10m.tif";

// The example fused with tiles of 24 HR pixels (3 x 3 tiles), a short adaptation, the adaptation saved.
FuseOptions savedRun(const test::TempDir& dir, const std::string& stage1, int fitAreaLr = FuseOptions{}.fitAreaLr) {
  FuseOptions o;
  o.fitAreaLr = fitAreaLr;
  o.lrPath = kLr;
  o.msiPath = kMsi;
  o.outPath = dir.path("one.tif");
  o.srf = "sentinel2a";
  o.stage1 = stage1;
  o.steps = 50;
  o.tile = 24;
  o.saveAdaptation = dir.path("adapted");
  runFusionJob(o);
  return o;
}

ApplyOptions block(const test::TempDir& dir, const std::string& which, const std::string& out) {
  ApplyOptions a;
  a.dir = dir.path("adapted");
  a.lrPath = kLr;
  a.msiPath = kMsi;
  a.outPath = dir.path(out);
  a.block = which;
  return a;
}

}  // namespace

TEST(ApplyJob, BlocksEqualTheOneProcessOutputBitForBit) {
  // A classical first stage, the fusion module over GSA, GLP-HS on a scene over --fit-area (fitted and adapted
  // on its central 16 x 16 LR pixels, read window by window), and the choice (auto: the blend of GSA and GLP-HS).
  for (const auto& [stage1, fitArea] :
       {std::pair{"gsa", 0}, std::pair{"model", 0}, std::pair{"glp-hs", 256}, std::pair{"auto", 0}}) {
    test::TempDir dir;
    savedRun(dir, stage1, fitArea > 0 ? fitArea : FuseOptions{}.fitAreaLr);
    const AdaptationManifest m = loadAdaptationManifest(dir.path("adapted"));
    EXPECT_EQ(m.fitAreaLr, fitArea > 0 ? fitArea : FuseOptions{}.fitAreaLr);
    if (std::string(stage1) == "auto") {
      EXPECT_EQ(m.stage1, kBlendStage);
      EXPECT_EQ(m.blend.weights.size(), m.hsiBands.size());
    }
    EXPECT_EQ(std::filesystem::exists(dir.path("adapted/fusion.safetensors")), std::string(stage1) == "model");
    const Cube one = RasterDataset::open(dir.path("one.tif")).read();
    const RasterInfo oneInfo = readRasterInfo(dir.path("one.tif"));
    int rowsSeen = 0;
    for (int i = 1; i <= 3; ++i) {
      const ApplyReport r = applyAdaptation(block(dir, std::to_string(i) + "/3", "b.tif"));
      EXPECT_EQ(r.window.row, rowsSeen);
      const Cube b = RasterDataset::open(dir.path("b.tif")).read();
      ASSERT_EQ(b.rows, r.window.height);
      ASSERT_EQ(b.cols, one.cols);
      EXPECT_EQ(b.data, one.crop(r.window).data) << "block " << i << " of the " << stage1 << " run";
      // Georeferenced where it lies: the block's origin is its first row's on the output grid.
      const RasterInfo bi = readRasterInfo(dir.path("b.tif"));
      ASSERT_TRUE(bi.geotransform && oneInfo.geotransform);
      EXPECT_DOUBLE_EQ((*bi.geotransform)[3], (*oneInfo.geotransform)[3] + r.window.row * (*oneInfo.geotransform)[5]);
      rowsSeen += r.window.height;
      std::filesystem::remove(dir.path("b.tif"));
    }
    EXPECT_EQ(rowsSeen, one.rows);
  }
}

TEST(ApplyJob, RefusesOtherInputsMissingBlocksAndForeignFolders) {
  test::TempDir dir;
  savedRun(dir, "gsa");
  ApplyOptions a = block(dir, "1/1", "x.tif");
  a.lrPath = kTruth;  // another file than fuse read
  EXPECT_THROW(applyAdaptation(a), InputError);
  EXPECT_THROW(applyAdaptation(block(dir, "4/4", "x.tif")), InputError);  // 3 rows of tiles
  EXPECT_THROW(parseBlock("0/2"), InputError);
  EXPECT_THROW(parseBlock("2"), InputError);
  ApplyOptions notAFolder = block(dir, "1/1", "x.tif");
  notAFolder.dir = dir.path("one.tif");
  EXPECT_THROW(applyAdaptation(notAFolder), InputError);
  EXPECT_FALSE(std::filesystem::exists(dir.path("x.tif")));
  // The manifest says what was saved; a folder without one is not a saved adaptation.
  const AdaptationManifest m = loadAdaptationManifest(dir.path("adapted"));
  EXPECT_EQ(m.scale, 3);
  EXPECT_EQ(m.tile, 24);
  EXPECT_EQ(m.stage1, "gsa");
  EXPECT_FALSE(m.fusionModule);
  EXPECT_EQ(m.inputs.size(), 2u);
  std::filesystem::create_directory(dir.path("empty"));
  EXPECT_THROW(loadAdaptationManifest(dir.path("empty")), InputError);
}

TEST(ApplyJob, FuseRefusesToSaveOverAFolderItDidNotWrite) {
  test::TempDir dir;
  std::filesystem::create_directory(dir.path("adapted"));
  std::ofstream(dir.path("adapted/notes.txt")) << "mine";
  FuseOptions o;
  o.lrPath = kLr;
  o.msiPath = kMsi;
  o.outPath = dir.path("one.tif");
  o.srf = "sentinel2a";
  o.saveAdaptation = dir.path("adapted");
  o.write.overwrite = true;
  EXPECT_THROW(runFusionJob(o), InputError);
  EXPECT_TRUE(std::filesystem::exists(dir.path("adapted/notes.txt")));
  o.saveAdaptation = std::string(HSIFUSE_SOURCE_DIR) + "/examples/hypsen";  // holds the inputs
  EXPECT_THROW(runFusionJob(o), InputError);
  EXPECT_FALSE(std::filesystem::exists(dir.path("one.tif")));
}

TEST(ApplyJob, AnAdaptationSavedWithoutOutputAppliesToTheSameOutput) {
  test::TempDir dir;
  const FuseOptions withOutput = savedRun(dir, "gsa");
  FuseOptions adaptOnly = withOutput;
  adaptOnly.outPath.clear();
  adaptOnly.saveAdaptation = dir.path("adapt-only");
  runFusionJob(adaptOnly);
  EXPECT_EQ(dir.files().size(), 3u);  // one.tif, adapted/, adapt-only/: no output and no stage file left
  ApplyOptions a = block(dir, "1/1", "all.tif");
  a.dir = dir.path("adapt-only");
  applyAdaptation(a);
  EXPECT_EQ(RasterDataset::open(dir.path("all.tif")).read().data, RasterDataset::open(dir.path("one.tif")).read().data);
  adaptOnly.saveAdaptation.clear();  // neither OUTPUT nor a folder: nothing to do
  EXPECT_THROW(runFusionJob(adaptOnly), InputError);
}

TEST(ApplyJob, AClassicalMethodAppliesInBlocksToo) {
  test::TempDir dir;
  FuseOptions o;
  o.lrPath = kLr;
  o.msiPath = kMsi;
  o.outPath = dir.path("one.tif");
  o.srf = "sentinel2a";
  o.method = "gsa";
  o.tile = 24;
  o.saveAdaptation = dir.path("adapted");
  runFusionJob(o);
  EXPECT_FALSE(std::filesystem::exists(dir.path("adapted/adaptation.safetensors")));  // nothing adapted
  EXPECT_FALSE(loadAdaptationManifest(dir.path("adapted")).adapted);
  const Cube one = RasterDataset::open(dir.path("one.tif")).read();
  for (int i = 1; i <= 3; ++i) {
    const ApplyReport r = applyAdaptation(block(dir, std::to_string(i) + "/3", "b" + std::to_string(i) + ".tif"));
    EXPECT_EQ(RasterDataset::open(dir.path("b" + std::to_string(i) + ".tif")).read().data, one.crop(r.window).data);
  }
  o.outPath.clear();  // nothing to adapt alone
  o.saveAdaptation = dir.path("again");
  EXPECT_THROW(runFusionJob(o), InputError);
}
