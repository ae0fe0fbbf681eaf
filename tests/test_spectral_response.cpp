#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>

#include "TestSupport.h"
#include "lib/core/CsvTable.h"
#include "lib/core/Error.h"
#include "lib/core/ShareDir.h"
#include "lib/spectral/SpectralResponse.h"

using namespace hsifuse;

namespace {

SpectralBand band(double c, double fwhm = NAN) {
  return SpectralBand{c, fwhm};
}

}  // namespace

// P against a hand computation: the ESA table is sampled at 1 nm, so a plain sum over its rows of
// srf(l) * exp(-(l-c)^2 / 2 sigma^2) is an independent estimate of the integral.
TEST(SpectralResponse, MatchesHandComputationForTwoSentinel2Bands) {
  const std::string path = resolveSrf("sentinel2a");
  auto curves = ResponseCurves::load(path);
  std::vector<SpectralBand> hsi{band(490, 10), band(560, 20), band(665, 15)};
  auto sr = SpectralResponse::fromCurves(curves, hsi, 0.0);

  CsvTable t = CsvTable::load(path);
  for (const char* name : {"B2", "B3"}) {
    const int col = t.requireColumn(name);
    std::vector<double> hand(hsi.size(), 0.0);
    for (std::size_t b = 0; b < hsi.size(); ++b) {
      const double sigma = hsi[b].fwhmNm / (2 * std::sqrt(2 * std::log(2.0)));
      for (std::size_t r = 0; r < t.rowCount(); ++r) {
        const double l = t.number(r, 0), z = (l - hsi[b].wavelengthNm) / sigma;
        hand[b] += std::max(0.0, t.number(r, col)) * std::exp(-0.5 * z * z) / (sigma * std::sqrt(2 * M_PI));
      }
    }
    double sum = hand[0] + hand[1] + hand[2];
    const auto names = sr.keptBandNames();
    const std::size_t row = std::find(names.begin(), names.end(), name) - names.begin();
    ASSERT_LT(row, names.size());
    for (std::size_t b = 0; b < hsi.size(); ++b)
      EXPECT_NEAR(sr.matrix()[row][b], hand[b] / sum, 2e-4) << name << " column " << b;
  }
}

TEST(SpectralResponse, WithoutFwhmSamplesTheCurveAtTheCentre) {
  auto curves = ResponseCurves::load(resolveSrf("sentinel2a"));
  // Integer centres fall on table rows: the unnormalised P is the table value itself.
  std::vector<SpectralBand> hsi{band(480), band(490), band(500)};
  auto sr = SpectralResponse::fromCurves(curves, hsi, 0.0);
  CsvTable t = CsvTable::load(resolveSrf("sentinel2a"));
  const int col = t.requireColumn("B2");
  const double v480 = t.number(480 - 300, col), v490 = t.number(490 - 300, col), v500 = t.number(500 - 300, col);
  const auto names = sr.keptBandNames();
  const std::size_t row = std::find(names.begin(), names.end(), "B2") - names.begin();
  EXPECT_NEAR(sr.matrix()[row][1], v490 / (v480 + v490 + v500), 1e-12);
}

TEST(SpectralResponse, NikonD700ReproducesUalP) {
  std::vector<SpectralBand> hsi;
  for (int k = 0; k < 31; ++k) hsi.push_back(band(400 + 10 * k));
  const std::string path = resolveSrf("nikon_d700");
  auto sr = SpectralResponse::fromCurves(ResponseCurves::load(path), hsi);
  ASSERT_EQ(sr.matrix().size(), 3u);
  CsvTable t = CsvTable::load(path);
  for (int m = 0; m < 3; ++m) {
    double colSum = 0;
    for (int k = 0; k < 31; ++k) colSum += t.number(k, m + 1);
    for (int k = 0; k < 31; ++k) EXPECT_NEAR(sr.matrix()[m][k], t.number(k, m + 1) / colSum, 1e-12);
  }
}

TEST(SpectralResponse, BandsOutsideTheHsiRangeAreDroppedByName) {
  std::vector<SpectralBand> vnir;
  for (int k = 0; k < 61; ++k) vnir.push_back(band(400 + 10 * k, 10));  // 400 .. 1000 nm
  auto sr = SpectralResponse::fromCurves(ResponseCurves::load(resolveSrf("sentinel2a")), vnir);
  std::map<std::string, SpectralResponse::MsiBand> by;
  for (const auto& b : sr.msiBands()) by[b.name] = b;
  EXPECT_FALSE(by["B11"].kept);
  EXPECT_FALSE(by["B12"].kept);
  EXPECT_FALSE(by["B10"].kept);
  EXPECT_TRUE(by["B8A"].kept);
  EXPECT_GT(by["B4"].coverage, 0.99);
  EXPECT_LT(by["B11"].coverage, 0.01);
  bool named = false;
  for (const auto& w : sr.warnings()) named |= w.find("B11") != std::string::npos;
  EXPECT_TRUE(named);
  EXPECT_EQ(sr.matrix().size(), sr.keptBandNames().size());
  for (const auto& row : sr.matrix()) {
    double s = 0;
    for (double v : row) s += v;
    EXPECT_NEAR(s, 1.0, 1e-12);
  }
}

TEST(SpectralResponse, UserMatrixRoundTripsAndChecksItsWidth) {
  test::TempDir dir;
  std::vector<SpectralBand> hsi{band(450, 10), band(550, 10), band(650, 10), band(850, 10)};
  auto sr = SpectralResponse::fromCurves(ResponseCurves::load(resolveSrf("landsat8")), hsi, 0.0);
  { std::ofstream(dir.path("p.csv")) << sr.toCsv(hsi); }
  auto back = SpectralResponse::fromMatrixCsv(dir.path("p.csv"), hsi.size());
  ASSERT_EQ(back.matrix().size(), sr.matrix().size());
  for (std::size_t r = 0; r < sr.matrix().size(); ++r)
    for (std::size_t c = 0; c < hsi.size(); ++c) EXPECT_NEAR(back.matrix()[r][c], sr.matrix()[r][c], 1e-8);
  EXPECT_THROW(SpectralResponse::fromMatrixCsv(dir.path("p.csv"), 5), InputError);
}

TEST(SpectralResponse, NeedsWavelengthsAndKnowsItsShippedNames) {
  EXPECT_THROW(SpectralResponse::fromCurves(ResponseCurves::load(resolveSrf("sentinel2b")), {SpectralBand{}}),
               InputError);
  EXPECT_THROW(resolveSrf("worldview9"), InputError);
  EXPECT_EQ(shippedSrfNames().size(), 4u);
}

TEST(SpectralResponse, MsiBandsAreMatchedToTheResponseByName) {
  const std::vector<std::string> s2{"B1", "B2", "B3", "B4", "B8", "B8A"};
  // GDAL's order of Sentinel-2's 10 m bands, spelled three ways.
  EXPECT_EQ(matchBandNames({"B4", "B03", "B2 (490 nm)", "B8"}, s2, "msi.vrt"), (std::vector<int>{3, 2, 1, 4}));
  EXPECT_EQ(matchBandNames({"B8A"}, s2, "msi.vrt"), (std::vector<int>{5}));
  // Landsat's curve names carry the colour: either part matches.
  EXPECT_EQ(matchBandNames({"Red", "B2"}, {"B2_Blue", "B3_Green", "B4_Red"}, "oli.tif"), (std::vector<int>{2, 0}));
  // No name the response knows: by position, as before.
  EXPECT_FALSE(matchBandNames({"band 1", "band 2"}, s2, "msi.tif"));
  // Some known, some not, or one response band twice: an error naming the bands.
  try {
    matchBandNames({"B4", "Thermal"}, s2, "msi.tif");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("Thermal"), std::string::npos);
  }
  EXPECT_THROW(matchBandNames({"B4", "B04"}, s2, "msi.tif"), InputError);
}

TEST(SpectralResponse, RowsFollowTheMsiOrder) {
  const SpectralResponse p = SpectralResponse::fromRows("test", {"B2", "B3", "B4"}, {{1, 0}, {0, 1}, {1, 1}});
  const SpectralResponse q = p.withRows({2, 0});
  EXPECT_EQ(q.keptBandNames(), (std::vector<std::string>{"B4", "B2"}));
  EXPECT_EQ(q.matrix()[0], p.matrix()[2]);
  EXPECT_EQ(q.matrix()[1], p.matrix()[0]);
}
