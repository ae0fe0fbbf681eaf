// lib/PixelMask: masks from nodata and NaN, filling, combining across inputs and scales, trimming a footprint.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "lib/core/PixelMask.h"

using namespace hsifuse;

TEST(PixelMask, NodataAndNonFiniteValuesAreInvalidInAnyBand) {
  Cube c(2, 2, 2);
  for (float& v : c.data) v = 1;
  c.at(0, 0, 1) = -9999;
  c.at(1, 1, 0) = std::numeric_limits<float>::infinity();
  const PixelMask m = validPixels(c, {-9999.0});  // band 2 has no nodata value
  EXPECT_EQ(m, (PixelMask{1, 0, 0, 1}));
  EXPECT_FALSE(allValid(m));
}

TEST(PixelMask, InvalidPixelsTakeTheirBandsMeanOfValidPixels) {
  Cube c(1, 1, 4);
  c.data = {1, 2, 100, 3};
  EXPECT_EQ(fillInvalidWithBandMeans(c, {1, 1, 0, 1}), 3u);
  EXPECT_FLOAT_EQ(c.data[2], 2.0f);
  EXPECT_EQ(fillInvalidWithBandMeans(c, {0, 0, 0, 0}), 0u);  // nothing to fill from: left alone
}

TEST(PixelMask, CombinedMasksAreEmptyWhenAllIsValid) {
  EXPECT_TRUE(combineMasks({1, 1}, {}).empty());
  EXPECT_EQ(combineMasks({1, 0, 1}, {1, 1, 0}), (PixelMask{1, 0, 0}));
}

TEST(PixelMask, AnInvalidLrPixelClearsItsBlockOfHrPixels) {
  // 4 x 4 HR pixels, 2 x 2 LR pixels at s = 2: LR pixel (0, 1) invalid clears HR rows 0-1, columns 2-3.
  const PixelMask hr = withLrMask(PixelMask(16, 1), 4, {1, 0, 1, 1}, 2, 2);
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 4; ++c) EXPECT_EQ(hr[r * 4 + c], (r < 2 && c >= 2) ? 0 : 1) << r << "," << c;
  // The reverse: one invalid HR pixel (row 3, column 0) clears the LR pixel over it (1, 0); all valid stays empty.
  PixelMask oneHr(16, 1);
  oneHr[3 * 4 + 0] = 0;
  EXPECT_EQ(withHrMask({}, 2, oneHr, 2), (PixelMask{1, 1, 0, 1}));
  EXPECT_EQ(withHrMask({0, 1, 1, 1}, 2, oneHr, 2), (PixelMask{0, 1, 0, 1}));
  EXPECT_TRUE(withHrMask({}, 2, PixelMask(16, 1), 2).empty());
}

TEST(PixelMask, NanFreeInteriorTrimsTheEmptyBordersOfAWarpedFootprint) {
  Cube y(1, 6, 5);
  for (float& v : y.data) v = 1;
  const float nan = std::nanf("");
  for (int c = 0; c < 5; ++c) y.at(0, 0, c) = nan;  // an empty first row
  y.at(0, 5, 4) = nan;                              // and a corner
  const Window w = nanFreeInterior(y);
  EXPECT_GE(w.row, 1);
  for (int r = w.row; r < w.row + w.height; ++r)
    for (int c = w.col; c < w.col + w.width; ++c) EXPECT_FALSE(std::isnan(y.at(0, r, c)));
  EXPECT_GE(w.width * w.height, 16);  // 5 x 4 or 4 x 5 remain
  for (float& v : y.data) v = nan;
  EXPECT_TRUE(nanFreeInterior(y).empty());
}

TEST(PixelMask, EmptyBandsAreThoseWithoutASingleValidValue) {
  Cube c(3, 2, 2);
  for (float& v : c.data) v = 1;
  for (int i = 0; i < 4; ++i) c.band(0)[i] = std::nanf(""), c.band(2)[i] = -1;
  c.band(2)[3] = 5;  // one valid value is enough
  EXPECT_EQ(emptyBands(c, {std::nullopt, std::nullopt, -1.0}), (std::vector<int>{0}));
  c.band(2)[3] = -1;
  EXPECT_EQ(emptyBands(c, {std::nullopt, std::nullopt, -1.0}), (std::vector<int>{0, 2}));
}

TEST(PixelMask, AllInvalidLooksOnlyInsideTheWindow) {
  const PixelMask m{0, 0, 1, 0, 0, 0};  // 3 x 2, one valid pixel at column 2 of row 0
  EXPECT_TRUE(allInvalid(m, 3, {0, 0, 2, 2}));
  EXPECT_FALSE(allInvalid(m, 3, {1, 0, 2, 1}));
  EXPECT_FALSE(allInvalid({}, 3, {0, 0, 3, 2}));  // empty mask: all valid
}

TEST(PixelMask, ValidAreaCountsAnyWindowLikeALoopWould) {
  const int rows = 7, cols = 9;
  PixelMask m(rows * cols);
  for (int i = 0; i < rows * cols; ++i) m[i] = (i * 7 + i / 5) % 3 != 0;
  const ValidArea area(m, rows, cols);
  EXPECT_EQ(area.count(), static_cast<std::size_t>(std::count(m.begin(), m.end(), 1)));
  for (const Window w : {Window{0, 0, 9, 7}, Window{2, 1, 4, 5}, Window{8, 6, 1, 1}, Window{5, 3, 10, 10}}) {
    std::size_t loop = 0;
    for (int r = w.row; r < std::min(rows, w.row + w.height); ++r)
      for (int c = w.col; c < std::min(cols, w.col + w.width); ++c) loop += m[r * cols + c];
    EXPECT_EQ(area.count(w), loop) << w.col << "," << w.row;
  }
  EXPECT_DOUBLE_EQ(area.fraction({0, 0, 9, 7}), double(area.count()) / 63);
  // An empty mask: every pixel valid.
  const ValidArea all({}, rows, cols);
  EXPECT_EQ(all.count(), 63u);
  EXPECT_DOUBLE_EQ(all.fraction({1, 1, 3, 3}), 1.0);
}
