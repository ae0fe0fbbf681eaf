// geo/HyperionProduct: an EO-1 Hyperion L1T folder (tests/HyperionTestData.h builds one from the example LR HSI)
// found from the folder or its MTL, and read as one raster in radiance with the Hyperion band table.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "HyperionTestData.h"
#include "geo/HyperionProduct.h"
#include "geo/RasterDataset.h"
#include "lib/core/Error.h"

using namespace hsifuse;

TEST(HyperionProduct, TheFolderReadsAsRadianceWithTheBandTable) {
  test::TempDir dir;
  const test::HyperionFixture f = test::writeHyperionL1t(dir.path(""));
  const auto product = findHyperionProduct(f.folder);
  ASSERT_TRUE(product);
  EXPECT_EQ(product->level, "L1T");
  EXPECT_EQ(findHyperionProduct(f.mtl)->folder, product->folder);
  EXPECT_FALSE(findHyperionProduct(product->bandFiles[0]));  // one band file stays one raster
  EXPECT_FALSE(findHyperionProduct(dir.path("")));           // no band files
  EXPECT_DOUBLE_EQ(hyperionRadianceScale(70), 1.0 / 40);
  EXPECT_DOUBLE_EQ(hyperionRadianceScale(71), 1.0 / 80);
  const RasterDataset vrt = RasterDataset::open(writeHyperionVrt(*product));
  ASSERT_EQ(vrt.info().bandCount(), 242);
  EXPECT_NEAR(vrt.info().bands[7].spectral.wavelengthNm, 426.82, 1e-3);  // band 8, from the shipped table
  EXPECT_TRUE(vrt.info().bands[241].spectral.hasFwhm());
  const Cube got = vrt.read(), want = RasterDataset::open(f.reference).read();
  for (std::size_t i = 0; i < got.data.size(); ++i) {
    if (std::isnan(want.data[i])) {
      ASSERT_TRUE(std::isnan(got.data[i])) << i;  // fill is nodata, not zero radiance
      continue;
    }
    ASSERT_EQ(got.data[i], want.data[i]) << i;
  }
  // A folder missing band files is named with them.
  std::filesystem::remove(product->bandFiles[99]);
  try {
    findHyperionProduct(f.folder);
    FAIL() << "a folder without band 100 was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("241 of the 242"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("missing band(s) 100"), std::string::npos) << e.what();
  }
}
