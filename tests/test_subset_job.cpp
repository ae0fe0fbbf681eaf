// pipeline/SubsetJob: the kept bands written with their metadata, called without the binary.
#include <gtest/gtest.h>

#include "TestSupport.h"
#include "geo/RasterDataset.h"
#include "pipeline/SubsetJob.h"

using namespace hsifuse;

TEST(SubsetJob, KeepsTheFilteredBandsAndTheInputsType) {
  test::TempDir dir;
  SubsetOptions o;
  o.input = test::dataPath("hyperion_paris_16x16x128.tif");
  o.output = dir.path("kept.tif");
  o.bands.keep = parseIndexRanges("1-10,20", "--bands");
  std::string said;
  const SubsetReport r = subsetFile(o, {}, [&](const std::string& m) { said = m; });
  EXPECT_EQ(r.total, 128);
  EXPECT_EQ(r.selection.kept.size(), 11u);
  EXPECT_NE(said.find("Keeping 11 of 128"), std::string::npos);
  const RasterInfo in = readRasterInfo(o.input), out = readRasterInfo(o.output);
  EXPECT_EQ(out.bandCount(), 11);
  EXPECT_EQ(out.bands[0].dataType, in.bands[0].dataType);  // no --ot: the input's type
  EXPECT_DOUBLE_EQ(out.bands[10].spectral.wavelengthNm, in.bands[19].spectral.wavelengthNm);
}
