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
