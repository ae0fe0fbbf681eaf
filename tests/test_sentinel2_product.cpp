// geo/Sentinel2Product: a Sentinel-2 L1C/L2A product (tests/Sentinel2TestData.h builds one from the example MSI)
// found from its folder, metadata file or zip, its metadata read, and its bands read back in reflectance.
#include <gtest/gtest.h>

#include <cmath>

#include "Sentinel2TestData.h"
#include "geo/RasterDataset.h"
#include "geo/Sentinel2Product.h"
#include "lib/core/Error.h"

using namespace hsifuse;

TEST(Sentinel2Product, FolderMetadataAndZipNameTheSameProduct) {
  test::TempDir dir;
  const test::Sentinel2Fixture f = test::writeSentinel2Safe(dir.path(""), "L1C");
  const auto fromFolder = sentinel2MetadataFile(f.safe), fromSlash = sentinel2MetadataFile(f.safe + "/");
  ASSERT_TRUE(fromFolder);
  EXPECT_EQ(*fromFolder, f.safe + "/MTD_MSIL1C.xml");
  EXPECT_EQ(*fromSlash, *fromFolder);
  EXPECT_EQ(sentinel2MetadataFile(*fromFolder), *fromFolder);
  const std::string zip = test::zipSentinel2Safe(f.safe);
  const auto fromZip = sentinel2MetadataFile(zip);
  ASSERT_TRUE(fromZip);
  EXPECT_EQ(fromZip->rfind("/vsizip/", 0), 0u);
  EXPECT_EQ(readSentinel2Product(*fromZip).bands.size(), 11u);
  EXPECT_FALSE(sentinel2MetadataFile(test::exampleMsiPath()));  // a plain raster
  EXPECT_FALSE(sentinel2MetadataFile(dir.path("")));            // a folder without product metadata
}

TEST(Sentinel2Product, MetadataGivesBandsOffsetsAndTheSpacecraftsCurves) {
  test::TempDir dir;
  for (const std::string level : {"L1C", "L2A"}) {
    const test::Sentinel2Fixture f = test::writeSentinel2Safe(dir.path(level), level);
    const Sentinel2Product p = readSentinel2Product(*sentinel2MetadataFile(f.safe));
    EXPECT_EQ(p.level, level);
    EXPECT_EQ(p.spacecraft, "Sentinel-2A");
    EXPECT_EQ(p.responseName(), "sentinel2a");
    EXPECT_EQ(p.baseline, "04.00");
    EXPECT_DOUBLE_EQ(p.quantification, 10000);
    EXPECT_EQ(p.saturatedDn, 65535.0);
    const auto picked = p.select({"b02", "B8A", "B11"});  // any spelling of the names
    ASSERT_EQ(picked.size(), 3u);
    EXPECT_EQ(picked[0].name, "B2");
    EXPECT_EQ(picked[0].resolutionM, 10);
    EXPECT_EQ(picked[1].resolutionM, 20);
    EXPECT_DOUBLE_EQ(picked[2].offset, -1000);
    try {
      p.select({"B9"});
      FAIL() << "a band the product lacks was accepted";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("no band 'B9'"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("B8A"), std::string::npos) << e.what();  // it lists what it has
    }
  }
}

TEST(Sentinel2Product, TheVrtReadsReflectanceOnTheFinestGrid) {
  test::TempDir dir;
  const test::Sentinel2Fixture f = test::writeSentinel2Safe(dir.path(""), "L1C");
  const Sentinel2Product p = readSentinel2Product(*sentinel2MetadataFile(f.safe));
  // The four 10 m bands equal the hand-stacked reference, value for value (NaN where DN is 0).
  const RasterDataset vrt = RasterDataset::open(writeSentinel2Vrt(p, p.select(defaultSentinel2Bands())));
  const Cube got = vrt.read(), want = RasterDataset::open(f.reference).read();
  ASSERT_EQ(got.bands, 4);
  ASSERT_EQ(got.rows, 72);
  EXPECT_EQ(vrt.info().bands[3].description, "B8");
  EXPECT_EQ(vrt.info().geotransform, RasterDataset::open(test::exampleMsiPath()).info().geotransform);
  // NODATA and SATURATED DNs read as each band's nodata value.
  int nodata = 0;
  for (int b = 0; b < 4; ++b) {
    const float value = static_cast<float>(*vrt.info().bands[b].nodata);
    for (std::size_t i = 0; i < got.planeSize(); ++i) {
      if (std::isnan(want.band(b)[i])) {
        nodata += got.band(b)[i] == value;
        continue;
      }
      ASSERT_EQ(got.band(b)[i], want.band(b)[i]) << b << " " << i;
    }
  }
  EXPECT_EQ(nodata, 36 + 1);  // the NODATA corner of B2, the saturated pixel of B3
  // A 20 m band joins on the 10 m grid (resampled), a 60 m one too.
  const RasterDataset mixed = RasterDataset::open(writeSentinel2Vrt(p, p.select({"B2", "B11", "B1"})));
  EXPECT_EQ(mixed.info().width, 72);
  const Cube m = mixed.read();
  EXPECT_NEAR(m.at(1, 40, 40), RasterDataset::open(test::exampleMsiPath()).read().at(9, 40, 40), 0.03);
  // A coarse band is replicated (each 10 m pixel takes its 20 m or 60 m pixel's value): its block means on the grid
  // are its own pixels, and its NODATA and SATURATED pixels stay exact, over their whole footprint and nowhere else
  // (B11's saturated 20 m pixel (10, 10) is 10 m pixels 20-21 x 20-21).
  const float saturated = static_cast<float>(*mixed.info().bands[1].nodata);
  int flagged = 0;
  for (int r = 0; r < m.rows; ++r)
    for (int c = 0; c < m.cols; ++c) {
      ASSERT_EQ(m.at(1, r, c), m.at(1, r / 2 * 2, c / 2 * 2)) << r << " " << c;
      ASSERT_EQ(m.at(2, r, c), m.at(2, r / 6 * 6, c / 6 * 6)) << r << " " << c;
      const bool footprint = r / 2 == 10 && c / 2 == 10;
      EXPECT_EQ(m.at(1, r, c) == saturated, footprint) << r << " " << c;
      flagged += m.at(1, r, c) == saturated;
    }
  EXPECT_EQ(flagged, 4);
  // Each band says its native resolution, for fuse to know which lend detail (issue #13).
  EXPECT_EQ(mixed.info().bands[0].nativeResolution(""), 10.0);
  EXPECT_EQ(mixed.info().bands[1].nativeResolution(""), 20.0);
  EXPECT_EQ(mixed.info().bands[2].nativeResolution(""), 60.0);
  EXPECT_FALSE(RasterDataset::open(test::exampleMsiPath()).info().bands[0].nativeResolution("").has_value());
}
