#include <gtest/gtest.h>

#include <algorithm>

#include "TestSupport.h"
#include "lib/core/Error.h"
#include "lib/spectral/BandSelection.h"
#include "lib/spectral/HyperionPreset.h"

using namespace hsifuse;

namespace {

std::vector<SpectralBand> evenBands(int n, double first, double step) {
  std::vector<SpectralBand> b(n);
  for (int i = 0; i < n; ++i) b[i].wavelengthNm = first + i * step;
  return b;
}

bool kept(const BandSelection& s, int oneBased) {
  return std::find(s.kept.begin(), s.kept.end(), oneBased - 1) != s.kept.end();
}

}  // namespace

TEST(BandRanges, ParseAndReject) {
  auto r = parseIndexRanges("8-57,77-224", "--bands");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].first, 8);
  EXPECT_EQ(r[1].last, 224);
  EXPECT_EQ(parseIndexRanges("5", "--bands")[0].last, 5);
  EXPECT_THROW(parseIndexRanges("0-3", "--bands"), InputError);
  EXPECT_THROW(parseIndexRanges("9-3", "--bands"), InputError);
  EXPECT_THROW(parseIndexRanges("a-3", "--bands"), InputError);
  EXPECT_THROW(parseIndexRanges("1,,3", "--bands"), InputError);
  auto w = parseWavelengthRanges("1340-1460,1790.5-1960", "--drop-wavelengths");
  EXPECT_DOUBLE_EQ(w[1].loNm, 1790.5);
  EXPECT_THROW(parseWavelengthRanges("1460-1340", "--drop-wavelengths"), InputError);
}

TEST(BandSelection, KeepDropWavelengthAndBbl) {
  auto bands = evenBands(20, 400, 100);  // 400 .. 2300 nm
  BandFilter f;
  f.keep = parseIndexRanges("2-19", "--bands");
  f.drop = parseIndexRanges("5", "--drop-bands");
  f.dropWavelengths = parseWavelengthRanges("1340-1460,1790-1960", "--drop-wavelengths");
  f.useBadBandList = true;
  std::vector<int> bbl(20, 1);
  bbl[2] = 0;  // band 3
  auto s = selectBands(f, bands, bbl, {}, "scene.tif");
  EXPECT_FALSE(kept(s, 1));   // not in --bands
  EXPECT_FALSE(kept(s, 3));   // bbl
  EXPECT_FALSE(kept(s, 5));   // --drop-bands
  EXPECT_FALSE(kept(s, 11));  // 1400 nm
  EXPECT_FALSE(kept(s, 16));  // 1900 nm
  EXPECT_FALSE(kept(s, 20));  // not in --bands
  EXPECT_TRUE(kept(s, 2));
  EXPECT_TRUE(kept(s, 12));
  EXPECT_EQ(s.kept.size() + s.dropped.size(), 20u);
  EXPECT_EQ(s.kept.size(), 13u);
}

TEST(BandSelection, OutOfRangeNamesTheFileAndCount) {
  BandFilter f;
  f.keep = parseIndexRanges("1-30", "--bands");
  try {
    selectBands(f, evenBands(20, 400, 10), {}, {}, "scene.tif");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("scene.tif has 20 band"), std::string::npos) << e.what();
  }
}

TEST(BandSelection, WavelengthFilterNeedsWavelengthsAndBblNeedsAList) {
  BandFilter f;
  f.dropWavelengths = parseWavelengthRanges("1340-1460", "--drop-wavelengths");
  EXPECT_THROW(selectBands(f, std::vector<SpectralBand>(5), {}, {}, "x.tif"), InputError);
  BandFilter g;
  g.useBadBandList = true;
  EXPECT_THROW(selectBands(g, evenBands(5, 400, 10), {}, {}, "x.tif"), InputError);
  BandFilter all;
  all.drop = parseIndexRanges("1-5", "--drop-bands");
  EXPECT_THROW(selectBands(all, evenBands(5, 400, 10), {}, {}, "x.tif"), InputError);
}

TEST(HyperionPreset, DropsUncalibratedAndWaterBandsOfTheFull242BandTable) {
  auto table = HyperionBandTable::loadShipped();
  ASSERT_EQ(table.bands.size(), 242u);
  BandFilter f;
  f.preset = "hyperion";
  auto s = selectBands(f, table.bands, {}, hyperionPresetDrops(table.bands, table, "L1R"), "L1R");
  for (int b : {1, 7, 58, 76, 225, 242, 119, 134, 163, 183}) EXPECT_FALSE(kept(s, b)) << "band " << b;
  for (int b : {8, 57, 77, 118, 135, 162, 184, 224}) EXPECT_TRUE(kept(s, b)) << "band " << b;
  // 1-7, 58-76, 225-242 uncalibrated (44 bands); 119-134 and 163-183 water (37 bands).
  EXPECT_EQ(s.dropped.size(), 44u + 37u);
}

TEST(HyperionPreset, MatchesBandsByWavelengthAndRejectsOtherSensors) {
  auto table = HyperionBandTable::loadShipped();
  std::vector<SpectralBand> some{table.bands[9], table.bands[125], table.bands[150]};  // bands 10, 126, 151
  auto drops = hyperionPresetDrops(some, table, "x.tif");
  ASSERT_EQ(drops.size(), 1u);
  EXPECT_EQ(drops[0].index, 1);
  EXPECT_NE(drops[0].reason.find("126"), std::string::npos);
  EXPECT_THROW(hyperionPresetDrops(evenBands(3, 401.5, 3), table, "x.tif"), InputError);
}

TEST(BandSelection, IndexRangesFormatAsTheOptionsReadThem) {
  EXPECT_EQ(formatIndexRanges({1, 2, 3, 7, 104, 105}), "1-3,7,104-105");
  EXPECT_EQ(formatIndexRanges({}), "");
  std::vector<int> back;
  for (const IndexRange& r : parseIndexRanges(formatIndexRanges({2, 4, 5, 6}), "--bands"))
    for (int i = r.first; i <= r.last; ++i) back.push_back(i);
  EXPECT_EQ(back, (std::vector<int>{2, 4, 5, 6}));
}
