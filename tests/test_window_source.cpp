// lib/core/WindowSource: windows read with replicate padding at the scene border.
#include <gtest/gtest.h>

#include <algorithm>

#include "lib/core/WindowSource.h"

using namespace hsifuse;

TEST(Streaming, ReadReplicatedPadsAtTheSceneBorderOnly) {
  Cube c(2, 5, 4);
  for (std::size_t i = 0; i < c.size(); ++i) c.data[i] = float(i);
  const WindowSource src = WindowSource::ofCube(c);
  const Window w{-2, -1, 8, 8};  // reaches past every side
  const Cube out = readReplicated(src, w);
  for (int b = 0; b < 2; ++b)
    for (int r = 0; r < 8; ++r)
      for (int col = 0; col < 8; ++col)
        ASSERT_EQ(out.at(b, r, col), c.at(b, std::clamp(r - 1, 0, 4), std::clamp(col - 2, 0, 3)));
  const Cube inside = readReplicated(src, {1, 1, 2, 3});
  EXPECT_EQ(inside.data, c.crop({1, 1, 2, 3}).data);
}

TEST(Window, ScaledOffsetAndGrownWindows) {
  EXPECT_EQ(scaledBy(Window{1, 2, 3, 4}, 3), (Window{3, 6, 9, 12}));
  EXPECT_EQ(offsetBy(Window{1, 2, 3, 4}, Window{10, 20, 50, 50}), (Window{11, 22, 3, 4}));
  // Grown by 2, cut at the grid's edges (10 x 8: rows x columns).
  EXPECT_EQ(grownWithin(Window{1, 3, 4, 2}, 2, 10, 8), (Window{0, 1, 7, 6}));
  EXPECT_EQ(grownWithin(Window{5, 7, 3, 3}, 2, 10, 8), (Window{3, 5, 5, 5}));
}
