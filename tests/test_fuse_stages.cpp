// pipeline/FuseStages.h: fuse's stages called one by one, without the binary, on the shipped example pair
// (examples/hypsen: 24 x 24 x 128 Hyperion-like LR HSI, 72 x 72 x 11 Sentinel-2A MSI, s = 3).
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <tuple>

#include "TestSupport.h"
#include "geo/RasterDataset.h"
#include "geo/RasterWriter.h"
#include "lib/core/Error.h"
#include "lib/spatial/Degradation.h"
#include "lib/spatial/Resampling.h"
#include "pipeline/FuseMethod.h"
#include "pipeline/FuseOutput.h"
#include "pipeline/FuseStages.h"

using namespace hsifuse;
using nlohmann::json;

namespace {

const std::string kLr = std::string(HSIFUSE_SOURCE_DIR) + "/examples/hypsen/hypsen_lr_hyperion_30m.tif";
const std::string kMsi = std::string(HSIFUSE_SOURCE_DIR) + "/examples/hypsen/hypsen_msi_s2_10m.tif";

FuseOptions exampleOptions(const test::TempDir& dir, const std::string& method) {
  FuseOptions o;
  o.lrPath = kLr;
  o.msiPath = kMsi;
  o.outPath = dir.path("out.tif");
  o.srf = "sentinel2a";
  o.method = method;
  return o;
}

// The example's LR HSI with NaN where `invalid(band, row, column)` says, written to DIR/lr.tif; returns that path.
std::string exampleLrWithNan(const test::TempDir& dir, const std::function<bool(int, int, int)>& invalid) {
  const RasterDataset src = RasterDataset::open(kLr);
  Cube y = src.read();
  for (int b = 0; b < y.bands; ++b)
    for (int r = 0; r < y.rows; ++r)
      for (int c = 0; c < y.cols; ++c)
        if (invalid(b, r, c)) y.at(b, r, c) = std::nanf("");
  RasterWriter w(dir.path("lr.tif"), src.info(), WriteOptions{});
  w.writeWindow({0, 0, y.cols, y.rows}, y);
  w.commit();
  return dir.path("lr.tif");
}

}  // namespace

TEST(FuseMethod, NamesRoundTripAndEachPredicateHasItsMembers) {
  for (const std::string& name : methodNames()) EXPECT_EQ(methodName(parseFuseMethod(name)), name);
  EXPECT_THROW(parseFuseMethod("UAL"), InputError);
  EXPECT_TRUE(isClassical(FuseMethod::GlpHs));
  EXPECT_FALSE(isClassical(FuseMethod::FusionOnly));
  // "adapts" and "uses a pretrained module" were once both called adapts: dip adapts without one, fusion-only the
  // reverse.
  EXPECT_TRUE(adaptsToScene(FuseMethod::Dip));
  EXPECT_FALSE(usesPretrainedModule(FuseMethod::Dip));
  EXPECT_FALSE(adaptsToScene(FuseMethod::FusionOnly));
  EXPECT_TRUE(usesPretrainedModule(FuseMethod::FusionOnly));
  EXPECT_FALSE(canFinetune(FuseMethod::Dip));
}

TEST(FuseStages, OptionsAreCheckedBeforeAnythingIsOpened) {
  test::TempDir dir;
  FuseOptions o = exampleOptions(dir, "gsa");
  EXPECT_EQ(checkFuseOptions(o), FuseMethod::Gsa);
  o.kernelOutPath = dir.path("k.csv");
  EXPECT_THROW(checkFuseOptions(o), InputError);  // gsa has no kernel
  o = exampleOptions(dir, "ual");
  o.reportPath = kLr;  // an output onto an input, even with --overwrite
  o.write.overwrite = true;
  EXPECT_THROW(checkFuseOptions(o), InputError);
  EXPECT_TRUE(dir.files().empty());
}

TEST(FuseStages, TheExampleGridsPairAtScaleThree) {
  test::TempDir dir;
  const FuseOptions o = exampleOptions(dir, "gsa");
  FuseInputs in = openInputs(o, 1);
  EXPECT_EQ(in.grid.scale, 3);
  EXPECT_EQ(in.grid.lrWin, (Window{0, 0, 24, 24}));
  EXPECT_EQ(in.grid.hrWin, (Window{0, 0, 72, 72}));
  EXPECT_TRUE(in.warpedVrt.path().empty());
  EXPECT_EQ(in.hsi.bandCount(), 128);
  FuseLog log({});
  const MsiResponse r = buildResponse(o, in, log);
  EXPECT_EQ(r.msiKeep.size(), 11u);
  EXPECT_EQ(r.p.matrix().size(), 11u);
  EXPECT_EQ(r.p.matrix()[0].size(), 128u);
}

TEST(FuseStages, ReadSceneBringsTheMsiToTheHsiScale) {
  test::TempDir dir;
  const FuseOptions o = exampleOptions(dir, "gsa");
  FuseInputs in = openInputs(o, 1);
  std::vector<std::string> said;
  FuseLog log([&](const std::string& m) { said.push_back(m); });
  MsiResponse r = buildResponse(o, in, log);
  json report;
  const FuseScene scene = readScene(o, in, r, report, log);
  EXPECT_FLOAT_EQ(scene.fit->y.peak(), 1.0f);
  EXPECT_GT(scene.peak, 0);
  EXPECT_TRUE(scene.fit->lrValid.empty());
  EXPECT_TRUE(scene.hrValid.empty());
  // After the gains, each MSI band's block means sum to the same as P y's band: that is what the gains are for.
  const Cube xl = blockMean(scene.fit->x, 3);
  for (int b = 0; b < scene.fit->x.bands; ++b) {
    double sx = 0, sp = 0;
    for (std::size_t i = 0; i < xl.planeSize(); ++i) {
      sx += xl.band(b)[i];
      for (int k = 0; k < scene.fit->y.bands; ++k) sp += scene.p[b][k] * scene.fit->y.band(k)[i];
    }
    EXPECT_NEAR(sx, sp, 1e-4 * std::fabs(sp)) << "band " << b;
  }
  EXPECT_EQ(report["radiometry"]["msi_gains"].size(), 11u);
  EXPECT_TRUE(report.contains("shift"));
  EXPECT_FALSE(said.empty());  // released: the shift line went out
}

TEST(FuseStages, AClassicalMethodNeedsNoModelAndNoKernel) {
  test::TempDir dir;
  const FuseOptions o = exampleOptions(dir, "glp-hs");
  FuseInputs in = openInputs(o, 1);
  FuseLog log({});
  MsiResponse r = buildResponse(o, in, log);
  ChosenModel chosen = chooseModel(o, FuseMethod::GlpHs, in.hsi.spectralBands(), r.p.keptBandNames(), 3, log);
  EXPECT_FALSE(chosen.model);
  json report;
  FuseScene scene = readScene(o, in, r, report, log);
  const FirstStage first = prepareFirstStage(o, FuseMethod::GlpHs, chosen, scene, 192, report, report["seconds"]);
  EXPECT_TRUE(scene.gainCorrection.empty());  // no kernel, no correction (GLP-HS's regression gains need none)
  EXPECT_EQ(first.name, "glp-hs");
  EXPECT_FALSE(first.kernel);
  EXPECT_FALSE(first.moduleApplied);
  const Cube z = first.source.read({0, 0, 72, 72});
  EXPECT_EQ(z.bands, 128);
  // GLP-HS injects detail into the upsampled HSI: its block means stay close to the LR HSI.
  const Cube zl = blockMean(z, 3);
  double err = 0, norm = 0;
  for (std::size_t i = 0; i < zl.data.size(); ++i)
    err += std::pow(zl.data[i] - scene.fit->y.data[i], 2), norm += std::pow(scene.fit->y.data[i], 2);
  EXPECT_LT(std::sqrt(err / norm), 0.05);
}

// A method that adapts chooses the scene's kernel, then matches the MSI's gains through it: afterwards D_k X sums to
// what P y sums to in every MSI band, and the factors are in the report.
TEST(FuseStages, TheMsiGainsAreMatchedThroughTheScenesKernel) {
  test::TempDir dir;
  FuseOptions o = exampleOptions(dir, "ual");
  o.stage1 = "gsa";
  FuseInputs in = openInputs(o, 1);
  FuseLog log({});
  MsiResponse r = buildResponse(o, in, log);
  ChosenModel chosen = chooseModel(o, FuseMethod::Ual, in.hsi.spectralBands(), r.p.keptBandNames(), 3, log);
  json report;
  FuseScene scene = readScene(o, in, r, report, log);
  const FirstStage first = prepareFirstStage(o, FuseMethod::Ual, chosen, scene, 192, report, report["seconds"]);
  ASSERT_TRUE(first.kernel);
  ASSERT_EQ(scene.gainCorrection.size(), 11u);
  EXPECT_EQ(report["radiometry"]["msi_kernel_correction"].size(), 11u);
  const Cube dx = blurDownsample(scene.fit->x, first.kernel->kernel, 3);
  for (int b = 0; b < dx.bands; ++b) {
    double sx = 0, sp = 0;
    for (std::size_t i = 0; i < dx.planeSize(); ++i) {
      sx += dx.band(b)[i];
      for (int k = 0; k < scene.fit->y.bands; ++k) sp += scene.p[b][k] * scene.fit->y.band(k)[i];
    }
    EXPECT_NEAR(sx, sp, 1e-4 * std::fabs(sp)) << "band " << b;
    EXPECT_NEAR(scene.gainCorrection[b], 1.0, 0.05) << "band " << b;  // a correction, not a new calibration
  }
}

TEST(FuseStages, OutputLayoutIsTheMsiGridWithTheHsiBands) {
  test::TempDir dir;
  const FuseOptions o = exampleOptions(dir, "gsa");
  FuseInputs in = openInputs(o, 1);
  FuseLog log({});
  MsiResponse r = buildResponse(o, in, log);
  json report;
  const FuseScene scene = readScene(o, in, r, report, log);
  float nodata = 1;
  const RasterInfo layout = outputLayout(o, in.hsi, in.msi.info(), scene, nodata);
  EXPECT_EQ(layout.width, 72);
  EXPECT_EQ(layout.bandCount(), 128);
  EXPECT_EQ(layout.geotransform, in.msi.info().geotransform);
  EXPECT_EQ(nodata, 0.0f);  // no invalid pixel: no nodata value
  EXPECT_FALSE(layout.bands[0].nodata);
}

TEST(FuseStages, ABandWithoutValidValuesIsNamedWithTheOptionThatDropsIt) {
  test::TempDir dir;
  // The example's LR HSI with its band 5 all NaN (a dead detector, a masked water band).
  FuseOptions o = exampleOptions(dir, "gsa");
  o.lrPath = exampleLrWithNan(dir, [](int b, int, int) { return b == 4; });
  FuseInputs in = openInputs(o, 1);
  FuseLog log({});
  MsiResponse r = buildResponse(o, in, log);
  json report;
  try {
    readScene(o, in, r, report, log);
    FAIL() << "an all-NaN band was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("band(s) 5 hold no valid value"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--drop-bands 5"), std::string::npos) << e.what();
  }
  o.bands.drop = parseIndexRanges("5", "--drop-bands");  // and the advice works
  FuseInputs kept = openInputs(o, 1);
  MsiResponse r2 = buildResponse(o, kept, log);
  EXPECT_NO_THROW(readScene(o, kept, r2, report, log));
}

TEST(FuseStages, ASceneOverTheFitAreaIsHeldInPartAndReadByWindows) {
  test::TempDir dir;
  // The example's LR HSI with NaN pixels inside the central part (rows 8-9, columns 10-11) and outside it (the
  // top-left 3 x 3 corner), so the fill and the masks are exercised on both sides.
  FuseOptions o = exampleOptions(dir, "gsa");
  o.lrPath = exampleLrWithNan(
      dir, [](int, int r, int c) { return (r < 3 && c < 3) || (r >= 8 && r < 10 && c >= 10 && c < 12); });
  auto read = [&](int fitArea, json& report) {
    o.fitAreaLr = fitArea;
    FuseInputs in = openInputs(o, 1);
    FuseLog log({});
    MsiResponse r = buildResponse(o, in, log);
    FuseScene scene = readScene(o, in, r, report, log);
    // The sources read the files through `in`: copy what is checked before it closes.
    return std::tuple{scene, scene.lr.read({0, 0, 24, 24}), scene.hr.read({0, 0, 72, 72}), scene.lr.read(scene.fit->lr),
                      scene.hr.read(scene.fitHr())};
  };
  json partReport, wholeReport;
  const auto [part, partLr, partHr, partLrFit, partHrFit] = read(256, partReport);
  const auto [whole, wholeLr, wholeHr, wholeLrFit, wholeHrFit] = read(0, wholeReport);
  ASSERT_TRUE(part.partial());
  EXPECT_FALSE(whole.partial());
  EXPECT_EQ(part.fit->lr, (Window{4, 4, 16, 16}));
  EXPECT_EQ(partReport["fit_area"]["lr_pixels"], 256);
  EXPECT_FALSE(wholeReport.contains("fit_area"));
  // Read window by window, the held part has exactly the held cubes' values; so does the whole scene when held.
  EXPECT_EQ(partLrFit.data, part.fit->y.data);
  EXPECT_EQ(partHrFit.data, part.fit->x.data);
  EXPECT_EQ(wholeLr.data, whole.fit->y.data);
  // The whole scene's mask and nodata counts do not depend on what is held.
  EXPECT_EQ(part.hrValid, whole.hrValid);
  EXPECT_EQ(partReport["nodata"], wholeReport["nodata"]);
  EXPECT_EQ(wholeReport["nodata"]["lr_invalid_pixels"], 13);
  // Valid pixels outside the held part: the same values up to each run's peak; invalid ones get the part's means.
  double worst = 0;
  for (int b = 0; b < 128; b += 9)
    for (int r = 0; r < 24; ++r)
      for (int c = 0; c < 24; ++c) {
        if ((r < 3 && c < 3) || (r >= 8 && r < 10 && c >= 10 && c < 12)) continue;
        const double a = partLr.at(b, r, c) * part.peak, e = wholeLr.at(b, r, c) * whole.peak;
        worst = std::max(worst, std::fabs(a - e) / std::max(1e-6, std::fabs(e)));
      }
  EXPECT_LT(worst, 1e-5);
  EXPECT_TRUE(std::isfinite(partLr.at(0, 0, 0)));
  for (int b = 0; b < 11; ++b)  // the MSI outside the part, times each run's gain
    EXPECT_NEAR(partHr.at(b, 70, 1) / part.gains[b], wholeHr.at(b, 70, 1) / whole.gains[b],
                1e-5 * std::fabs(wholeHr.at(b, 70, 1) / whole.gains[b]));
}

TEST(FuseStages, ThePartHeldIsWhereTheDataIs) {
  // A 4 x 4 block of NaN LR pixels at the centre of the example: the 10 x 10 part held (--fit-area 100) moves off it,
  // to the position nearest the centre that holds only valid pixels.
  test::TempDir dir;
  FuseOptions o = exampleOptions(dir, "gsa");
  o.lrPath = exampleLrWithNan(dir, [](int, int r, int c) { return r >= 10 && r < 14 && c >= 10 && c < 14; });
  o.fitAreaLr = 100;
  FuseInputs in = openInputs(o, 1);
  FuseLog log({});
  MsiResponse r = buildResponse(o, in, log);
  json report;
  const FuseScene scene = readScene(o, in, r, report, log);
  const Window& part = scene.fit->lr;
  EXPECT_EQ(part.width, 10);
  const bool overlaps = part.col < 14 && part.col + part.width > 10 && part.row < 14 && part.row + part.height > 10;
  EXPECT_FALSE(overlaps) << part.col << "," << part.row;
  EXPECT_TRUE(scene.fit->lrValid.empty());  // nothing invalid in the part held
  EXPECT_EQ(report["nodata"]["lr_invalid_pixels"], 16);
}

TEST(FuseStages, AnAreaOfInterestKeepsTheWholeLrPixelsInsideIt) {
  test::TempDir dir;
  FuseOptions o = exampleOptions(dir, "gsa");
  o.srcWindow = {10, 9, 40, 27};  // MSI columns 10-49, rows 9-35: LR columns 4-15, rows 3-11 at s = 3
  FuseInputs in = openInputs(o, 1);
  EXPECT_EQ(in.grid.lrWin, (Window{4, 3, 12, 9}));
  EXPECT_EQ(in.grid.hrWin, (Window{12, 9, 36, 27}));
  // The same area in the MSI's CRS (10 m pixels from 448000, 5414000) gives the same grids.
  const RasterInfo msi = readRasterInfo(kMsi);
  const auto& g = *msi.geotransform;
  FuseOptions p = exampleOptions(dir, "gsa");
  p.projWindow = {g[0] + 10 * g[1], g[3] + 9 * g[5], g[0] + 50 * g[1], g[3] + 36 * g[5]};
  FuseInputs inP = openInputs(p, 1);
  EXPECT_EQ(inP.grid.lrWin, in.grid.lrWin);
  EXPECT_EQ(inP.grid.hrWin, in.grid.hrWin);
  o.srcWindow = {0, 0, 4, 4};  // not 2 x 2 whole LR pixels
  EXPECT_THROW(openInputs(o, 1), InputError);
  o.srcWindow = {0, 0, 4};
  EXPECT_THROW(openInputs(o, 1), InputError);
  o.srcWindow = {0, 0, 30, 30};
  o.projWindow = p.projWindow;  // not both
  EXPECT_THROW(openInputs(o, 1), InputError);
}

TEST(FuseStages, WindowsWithoutValidPixelsAreNotComputed) {
  int reads = 0;
  const WindowSource counting{2, 4, 4, [&](const Window& w) {
                                ++reads;
                                Cube c(2, w.height, w.width);
                                for (float& v : c.data) v = 7;
                                return c;
                              }};
  PixelMask valid(16, 0);
  valid[15] = 1;  // only the bottom-right pixel
  const WindowSource s = skippingEmptyWindows(counting, valid);
  EXPECT_EQ(s.read({0, 0, 2, 2}).data, std::vector<float>(8, 0.0f));
  EXPECT_EQ(reads, 0);
  EXPECT_EQ(s.read({2, 2, 2, 2}).data[0], 7.0f);
  EXPECT_EQ(reads, 1);
}
