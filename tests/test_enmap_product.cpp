// geo/EnmapProduct: an EnMAP L2A product (tests/EnmapTestData.h builds one from the example LR HSI) found from its
// folder or metadata file, its band table read, and its bands read back in reflectance.
#include <gtest/gtest.h>

#include <cmath>

#include "EnmapTestData.h"
#include "geo/EnmapProduct.h"
#include "geo/RasterDataset.h"
#include "lib/core/Error.h"

using namespace hsifuse;

TEST(EnmapProduct, TheBandTableGivesReflectanceWithoutTheEmptyAndOverlapBands) {
  test::TempDir dir;
  const test::EnmapFixture f = test::writeEnmapL2a(dir.path(""));
  ASSERT_EQ(enmapMetadataFile(f.folder), f.metadata);
  EXPECT_EQ(enmapMetadataFile(f.metadata), f.metadata);
  EXPECT_FALSE(enmapMetadataFile(dir.path("")));
  const EnmapProduct p = readEnmapProduct(f.metadata);
  EXPECT_EQ(p.bands.size(), 128u);
  EXPECT_EQ(p.droppedBands, (std::vector<int>{63, 65, 131}));  // two VNIR channels in the overlap, the no-data band
  EXPECT_DOUBLE_EQ(p.bands[1].offset, 0.01);
  const RasterDataset vrt = RasterDataset::open(writeEnmapVrt(p));
  const RasterDataset ref = RasterDataset::open(f.reference);
  ASSERT_EQ(vrt.info().bandCount(), 128);
  for (int b = 0; b < 128; ++b)
    EXPECT_NEAR(vrt.info().bands[b].spectral.wavelengthNm, ref.info().bands[b].spectral.wavelengthNm, 1e-3) << b;
  const Cube got = vrt.read(), want = ref.read();
  for (std::size_t i = 0; i < got.data.size(); ++i) {
    if (std::isnan(want.data[i])) {
      ASSERT_TRUE(std::isnan(got.data[i])) << i;
      continue;
    }
    ASSERT_EQ(got.data[i], want.data[i]) << i;
  }
}
