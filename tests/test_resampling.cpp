// lib/spatial/Resampling: upsampling against block means, and windows of it against the whole.
#include <gtest/gtest.h>

#include <cmath>

#include "lib/spatial/Resampling.h"

using namespace hsifuse;

TEST(Degradation, UpsamplingInvertsBlockMeanOnSmoothImagesAndKeepsConstants) {
  Cube c(1, 4, 5, 0.25f);
  for (auto m : {Interpolation::Bilinear, Interpolation::Bicubic}) {
    Cube u = upsample(c, 3, m);
    EXPECT_EQ(u.rows, 12);
    for (float v : u.data) EXPECT_NEAR(v, 0.25f, 1e-6);
  }
  Cube ramp(1, 8, 8);
  for (int r = 0; r < 8; ++r)
    for (int q = 0; q < 8; ++q) ramp.at(0, r, q) = 0.1f * q;
  Cube back = upsample(blockMean(ramp, 2), 2, Interpolation::Bilinear);
  // Away from the clamped borders a linear ramp is reproduced exactly.
  for (int q = 1; q < 7; ++q) EXPECT_NEAR(back.at(0, 3, q), ramp.at(0, 3, q), 1e-5);
}

// Streaming pieces: any window of the upsampling and of the classical fusions equals the same pixels of the
// whole-scene result, so a scene fused tile by tile has no seams.
TEST(Streaming, UpsampleWindowEqualsTheCropOfTheWholeUpsampling) {
  Cube lr(3, 13, 11);
  for (std::size_t i = 0; i < lr.size(); ++i) lr.data[i] = std::sin(0.37 * i) + 0.01 * (i % 17);
  const int s = 3;
  for (Interpolation m : {Interpolation::Bicubic, Interpolation::Bilinear}) {
    const Cube whole = upsample(lr, s, m);
    for (Window w :
         {Window{0, 0, 33, 39}, Window{0, 0, 5, 7}, Window{10, 14, 9, 8}, Window{28, 31, 5, 8}, Window{1, 2, 31, 1}}) {
      const Cube part = upsampleWindow(lr, s, m, w), expected = whole.crop(w);
      ASSERT_EQ(part.size(), expected.size());
      for (std::size_t i = 0; i < part.size(); ++i)
        ASSERT_FLOAT_EQ(part.data[i], expected.data[i]) << "window at " << w.col << "," << w.row;
    }
  }
}
