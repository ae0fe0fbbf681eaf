// pipeline/DegradeJob: Wald's protocol on files, called without the binary.
#include <gtest/gtest.h>

#include <cmath>

#include "TestSupport.h"
#include "geo/RasterDataset.h"
#include "geo/RasterWriter.h"
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

// A band with no valid value (Salton Sea's water-absorption bands are NaN) is left out of every output, with or
// without spectral resampling: before, without resampling it stayed in and made the MSI bands over it NaN.
TEST(DegradeJob, BandsWithoutValidValuesAreLeftOutOfEveryOutput) {
  test::TempDir dir;
  const RasterDataset src = RasterDataset::open(test::dataPath("hyperion_paris_48x48x128_f32.tif"));
  Cube z = src.read();
  for (int b : {0, 1, 2, 60})
    for (std::size_t i = 0; i < z.planeSize(); ++i) z.band(b)[i] = std::nanf("");
  RasterWriter w(dir.path("cube.tif"), src.info(), WriteOptions{});
  w.writeWindow({0, 0, z.cols, z.rows}, z);
  w.commit();
  for (const std::string resample : {"20x500-2000", ""}) {
    SCOPED_TRACE("--resample-to '" + resample + "'");
    DegradeOptions o;
    o.input = dir.path("cube.tif");
    o.srf = "sentinel2a";
    o.scale = 4;
    o.resampleTo = resample;
    o.lrOut = dir.path("lr" + resample + ".tif");
    o.msiOut = dir.path("msi" + resample + ".tif");
    o.truthOut = dir.path("truth" + resample + ".tif");
    const DegradeReport r = degradeFile(o);
    ASSERT_FALSE(r.warnings.empty());
    EXPECT_NE(r.warnings[0].find("band(s) 1-3,61 hold no valid value"), std::string::npos) << r.warnings[0];
    const int bands = resample.empty() ? 124 : 20;
    for (const std::string& out : {o.lrOut, o.msiOut, o.truthOut}) {
      const Cube c = RasterDataset::open(out).read();
      if (out != o.msiOut) {
        EXPECT_EQ(c.bands, bands) << out;
      }
      for (float v : c.data) ASSERT_TRUE(std::isfinite(v)) << out;
    }
  }
}
