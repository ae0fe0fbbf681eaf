// pipeline/QualityJob evaluateFiles: nodata and NaN pixels left out of every metric.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "TestSupport.h"
#include "geo/GdalEnvironment.h"
#include "geo/RasterDataset.h"
#include "geo/RasterWriter.h"
#include "lib/core/Error.h"
#include "pipeline/QualityJob.h"

using namespace hsifuse;
using namespace hsifuse::test;

namespace {

const std::string kTruthPath = HSIFUSE_SOURCE_DIR "/examples/hypsen/hypsen_truth_10m.tif";

void writeCube(const std::string& path, const RasterInfo& layout, const Cube& cube) {
  RasterWriter w(path, layout, {});
  w.writeWindow({0, 0, cube.cols, cube.rows}, cube);
  w.commit();
}

}  // namespace

// eval's nodata and NaN rule on real files: pixels invalid in either cube are left out of every metric.
TEST(EvalFiles, LeavesOutNodataAndNaNPixels) {
  initGdal();
  TempDir dir;
  const RasterDataset truth = RasterDataset::open(kTruthPath);
  RasterInfo layout = truth.info();
  for (BandInfo& b : layout.bands) b.nodata = -9999.0;
  Cube estimate = truth.read();
  for (float& v : estimate.data) v *= 1.01f;  // a small, uniform error everywhere
  Cube broken = estimate;
  for (int b = 0; b < broken.bands; ++b) {
    broken.at(b, 10, 10) = -9999.0f;                  // nodata
    broken.at(b, 40, 50) = std::nanf("");             // NaN
    broken.at(b, 60, 5) = b == 3 ? -9999.0f : 50.0f;  // nodata in one band only, garbage in the others
  }
  writeCube(dir.path("ok.tif"), layout, estimate);
  writeCube(dir.path("broken.tif"), layout, broken);
  EvalOptions o;
  o.reference = kTruthPath;
  o.estimate = dir.path("ok.tif");
  const EvalResult ok = evaluateFiles(o);
  o.estimate = dir.path("broken.tif");
  const EvalResult masked = evaluateFiles(o);
  EXPECT_EQ(masked.validPixels, 72u * 72u - 3u);
  EXPECT_EQ(masked.totalPixels, 72u * 72u);
  EXPECT_TRUE(std::isfinite(masked.psnr) && std::isfinite(masked.ssim) && std::isfinite(masked.q2n));
  // The valid pixels carry the same 1 % error: every metric stays close to the unbroken estimate's.
  EXPECT_NEAR(masked.rmse8, ok.rmse8, 0.02 * ok.rmse8);
  EXPECT_NEAR(masked.sam, ok.sam, 0.02 * ok.sam + 1e-6);
  EXPECT_NEAR(masked.ssim, ok.ssim, 1e-3);
  EXPECT_NEAR(masked.uiqi, ok.uiqi, 2e-3);
  EXPECT_GT(masked.q2n, 0.9);
  // The CLI says how many pixels counted.
  const RunResult r = runHsiFuse("eval " + kTruthPath + " " + dir.path("broken.tif"));
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_NE(r.out.find("5181 of 5184 valid"), std::string::npos) << r.out;
}

// Invalid pixels scattered so that no 32x32 window (block) and no 11x11 SSIM window is free of them (an output with
// nodata speckle): the windowed metrics are reported unavailable, with a warning, and the pixel-wise ones still are.
TEST(EvalFiles, ScatteredInvalidPixelsLeaveTheWindowedMetricsUnavailable) {
  initGdal();
  TempDir dir;
  const RasterDataset truth = RasterDataset::open(kTruthPath);
  Cube speckled = truth.read();
  for (float& v : speckled.data) v *= 1.01f;
  for (int b = 0; b < speckled.bands; ++b)
    for (int r = 3; r < speckled.rows; r += 7)  // every 11x11 window, the corners' too, reaches one
      for (int c = 3; c < speckled.cols; c += 7) speckled.at(b, r, c) = std::nanf("");
  writeCube(dir.path("speckled.tif"), truth.info(), speckled);
  EvalOptions o;
  o.reference = kTruthPath;
  o.estimate = dir.path("speckled.tif");
  const EvalResult e = evaluateFiles(o);
  EXPECT_EQ(e.validPixels, 72u * 72u - 10u * 10u);
  EXPECT_TRUE(std::isfinite(e.psnr) && std::isfinite(e.sam));
  EXPECT_GT(e.psnr, 30.0);
  EXPECT_TRUE(std::isnan(e.ssim) && std::isnan(e.uiqi) && std::isnan(e.q2n));
  EXPECT_EQ(e.warnings.size(), 3u);
  const RunResult r = runHsiFuse("eval --json " + kTruthPath + " " + dir.path("speckled.tif"));
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_NE(r.out.find("\"uiqi\": null"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("UIQI unavailable"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("speckled.tif"), std::string::npos) << r.err;
  const RunResult text = runHsiFuse("eval -q " + kTruthPath + " " + dir.path("speckled.tif"));
  EXPECT_EQ(text.exitCode, 0) << text.err;
  EXPECT_NE(text.out.find("Q2n:          n/a"), std::string::npos) << text.out;
  EXPECT_EQ(text.err.find("Warning"), std::string::npos) << text.err;
}
