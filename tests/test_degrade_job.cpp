// pipeline/DegradeJob: Wald's protocol on files, called without the binary.
#include <gtest/gtest.h>

#include <cmath>

#include "TestSupport.h"
#include "geo/RasterDataset.h"
#include "lib/core/Error.h"
#include "pipeline/DegradeJob.h"

using namespace hsifuse;

TEST(DegradeJob, WritesAnLrHsiWithAnSTimesLargerPixelAndANamedMsi) {
  test::TempDir dir;
  DegradeOptions o;
  o.input = test::dataPath("hyperion_paris_48x48x128_f32.tif");
  o.srf = "sentinel2a";
  o.scale = 4;
  o.kernel = "gauss:5:1";
  o.lrOut = dir.path("lr.tif");
  o.msiOut = dir.path("msi.tif");
  o.write.outputType = "Float32";
  const DegradeReport r = degradeFile(o);
  EXPECT_EQ(r.lrCols, 12);
  EXPECT_EQ(r.hsiBands, 128);
  const RasterInfo lr = readRasterInfo(o.lrOut), msi = readRasterInfo(o.msiOut), hr = readRasterInfo(o.input);
  EXPECT_EQ(lr.width, 12);
  if (hr.geotransform) {
    EXPECT_DOUBLE_EQ((*lr.geotransform)[1], 4 * (*hr.geotransform)[1]);
    EXPECT_DOUBLE_EQ((*lr.geotransform)[0], (*hr.geotransform)[0]);  // same origin
  }
  EXPECT_EQ(msi.bandCount(), static_cast<int>(r.msiBands.size()));
  EXPECT_EQ(msi.bands[0].description, r.msiBands[0]);
  EXPECT_TRUE(std::isfinite(msi.bands[0].spectral.wavelengthNm));
}

TEST(DegradeJob, BadOptionsNameTheOptionAndWriteNothing) {
  test::TempDir dir;
  DegradeOptions o;
  o.input = test::dataPath("hyperion_paris_48x48x128_f32.tif");
  o.srf = "sentinel2a";
  o.scale = 4;
  o.lrOut = dir.path("lr.tif");
  o.msiOut = dir.path("msi.tif");
  o.write.outputType = "Float32";
  o.snrDb = "-3";
  try {
    degradeFile(o);
    FAIL() << "a negative SNR was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--snr-db"), std::string::npos);
  }
  o.snrDb = "inf";
  o.resampleTo = o.input;  // an input is never an output, and --resample-to is an input
  o.truthOut = o.input;
  o.write.overwrite = true;
  EXPECT_THROW(degradeFile(o), InputError);
  EXPECT_TRUE(dir.files().empty());
}
