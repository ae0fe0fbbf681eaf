// lib/spatial/TilePlan: tiles with halos on whole LR pixels.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "lib/spatial/TilePlan.h"

using namespace hsifuse;

TEST(TilePlan, CoresPartitionTheGridOnWholeLrPixels) {
  const int rows = 100, cols = 77, s = 3;
  const TilePlan plan(rows, cols, 32, 7, s);
  std::vector<int> hits(rows * cols, 0);
  for (const Tile& t : plan.tiles()) {
    EXPECT_EQ(t.core.row % s, 0);
    EXPECT_EQ(t.core.col % s, 0);
    EXPECT_LE(t.core.width, 30);  // 32 rounded down to a multiple of 3
    EXPECT_LE(t.core.height, 30);
    for (int r = t.core.row; r < t.core.row + t.core.height; ++r)
      for (int c = t.core.col; c < t.core.col + t.core.width; ++c) ++hits[r * cols + c];
    // The read window is the core plus 7 pixels of context, clipped to the grid.
    EXPECT_EQ(t.read.row, std::max(0, t.core.row - 7));
    EXPECT_EQ(t.read.col + t.read.width, std::min(cols, t.core.col + t.core.width + 7));
  }
  for (int h : hits) ASSERT_EQ(h, 1);
  EXPECT_EQ(plan.tiles().size(), 4u * 3u);
  // A tile for a budget: (side + 2 halo)^2 * bytes per pixel within the budget, a multiple of s.
  const int side = tileSizeForBudget(64e6, 1000, 7, s);
  EXPECT_EQ(side % s, 0);
  EXPECT_LE((side + 14.0) * (side + 14.0) * 1000, 64e6);
  EXPECT_GT((side + s + 14.0) * (side + s + 14.0) * 1000, 64e6);
}

TEST(TilePlan, CentralWindowIsAlignedCentredAndWithinItsPixelBudget) {
  EXPECT_EQ(centralWindow(90, 60, 3, 1e9), (Window{0, 0, 60, 90}));  // it fits: the whole grid
  const Window w = centralWindow(90, 60, 3, 900);
  EXPECT_LE(double(w.width) * w.height, 900);
  EXPECT_EQ(w.col % 3, 0);
  EXPECT_EQ(w.width % 3, 0);
  EXPECT_EQ(w.height % 3, 0);
  EXPECT_NEAR(w.col + w.width / 2.0, 30, 3);  // centred to within one LR pixel
  EXPECT_NEAR(w.row + w.height / 2.0, 45, 3);
}
