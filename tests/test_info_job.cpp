// pipeline/InfoJob: a scene, a pair and P described as JSON and text, without the binary.
#include <gtest/gtest.h>

#include <fstream>

#include "TestSupport.h"
#include "lib/core/Error.h"
#include "pipeline/InfoJob.h"

using namespace hsifuse;

namespace {
const std::string kLr = std::string(HSIFUSE_SOURCE_DIR) + "/examples/hypsen/hypsen_lr_hyperion_30m.tif";
const std::string kMsi = std::string(HSIFUSE_SOURCE_DIR) + "/examples/hypsen/hypsen_msi_s2_10m.tif";
}  // namespace

TEST(InfoJob, APairHasAnIntegerScaleAndPRowsSumToOne) {
  test::TempDir dir;
  InfoOptions o;
  o.file = kLr;
  o.file2 = kMsi;
  o.srf = "sentinel2a";
  o.pOut = dir.path("p.csv");
  const InfoReport r = describeFiles(o);
  EXPECT_EQ(r.doc["files"].size(), 2u);
  EXPECT_EQ(r.doc["grid"]["scale"], 3);
  const auto& p = r.doc["spectral_response"]["P"];
  ASSERT_FALSE(p.empty());
  for (const auto& row : p) {
    double sum = 0;
    for (const auto& v : row) sum += v.get<double>();
    EXPECT_NEAR(sum, 1.0, 1e-9);
  }
  EXPECT_NE(r.text.find("integer scale 3"), std::string::npos);
  EXPECT_TRUE(std::ifstream(o.pOut).good());
}

TEST(InfoJob, POutOntoAnInputIsRefusedBeforeAnythingIsRead) {
  InfoOptions o;
  o.file = kLr;
  o.srf = "sentinel2a";
  o.pOut = kLr;
  o.overwrite = true;
  EXPECT_THROW(describeFiles(o), InputError);
}
