#include <gtest/gtest.h>

#include "TestSupport.h"
#include "geo/GridRelation.h"
#include "geo/RasterDataset.h"
#include "geo/RasterWriter.h"
#include "lib/core/Error.h"

using namespace hsifuse;

TEST(GridRelation, RealSentinel2SixtyAndTwentyMetreGrids) {
  auto lr = readRasterInfo(test::dataPath("s2_l1c_60m_16x16x3.tif"));
  auto hr = readRasterInfo(test::dataPath("s2_l1c_20m_48x48x6.tif"));
  auto g = relateGrids(lr, hr);
  EXPECT_TRUE(g.sameCrs);
  EXPECT_DOUBLE_EQ(g.ratioX, 3.0);
  EXPECT_EQ(g.scale, 3);
  // The 60 m origin is 20 m north of the 20 m one: the overlap loses the last HR row.
  ASSERT_TRUE(g.overlapHr.has_value());
  EXPECT_EQ(*g.overlapHr, (Window{0, 0, 48, 47}));
  EXPECT_EQ(g.overlapLrCols, 16);
  EXPECT_EQ(g.overlapLrRows, 15);
}

TEST(GridRelation, DifferentCrsIsReprojected) {
  auto lr = readRasterInfo(test::dataPath("s2_l1c_60m_16x16x3_wgs84.tif"));
  auto hr = readRasterInfo(test::dataPath("s2_l1c_20m_48x48x6.tif"));
  auto g = relateGrids(lr, hr);
  EXPECT_FALSE(g.sameCrs);
  ASSERT_TRUE(g.overlapHr.has_value());
  EXPECT_GT(g.overlapHr->width, 40);
  EXPECT_GT(g.ratioX, 2.5);
  EXPECT_LT(g.ratioX, 4.5);
}

TEST(GridRelation, NotAnIntegerRatioIsReported) {
  auto lr = readRasterInfo(test::dataPath("landsat8_oli_15x15x6.tif"));
  auto hr = readRasterInfo(test::dataPath("rgb_byte_64x48.tif"));
  // 30 m against 300 m in different UTM zones: far apart, and the ratio is 0.1.
  auto g = relateGrids(lr, hr);
  EXPECT_EQ(g.scale, 0);
  EXPECT_FALSE(g.note.empty());
}

TEST(GridRelation, CrsOnOneSideOnlyIsAnError) {
  auto lr = readRasterInfo(test::dataPath("hyperion_paris_16x16x128.tif"));
  auto hr = readRasterInfo(test::dataPath("s2_l1c_20m_48x48x6.tif"));
  try {
    relateGrids(lr, hr);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("has a CRS but"), std::string::npos);
  }
}

TEST(GridRelation, PlainPixelGridsUseTheSizeRatio) {
  test::TempDir dir;
  auto lr = readRasterInfo(test::dataPath("hyperion_paris_16x16x128.tif"));
  RasterInfo hrLayout = lr.selectBands({0});
  hrLayout.width = 48;
  hrLayout.height = 48;
  {
    RasterWriter w(dir.path("hr.tif"), hrLayout, WriteOptions{});
    w.writeWindow({0, 0, 48, 48}, Cube(1, 48, 48, 0.5f));
    w.commit();
  }
  auto g = relateGrids(lr, readRasterInfo(dir.path("hr.tif")));
  EXPECT_EQ(g.scale, 3);
  EXPECT_EQ(*g.overlapHr, (Window{0, 0, 48, 48}));
}
