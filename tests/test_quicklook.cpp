// lib/quality/Quicklook: pictures for people (RGB quicklooks, kernels).
#include <gtest/gtest.h>

#include <cmath>

#include "lib/quality/Quicklook.h"
#include "lib/spatial/BlurKernel.h"

using namespace hsifuse;

TEST(Quicklook, KernelPictureShowsEachTapAsABlock) {
  BlurKernel k = BlurKernel::gaussian(5, 1.0);
  const Cube p = kernelPicture(k, 4);
  ASSERT_EQ(p.rows, 20);
  ASSERT_EQ(p.cols, 20);
  EXPECT_EQ(p.at(0, 8, 8), 255.0f);    // the centre tap is the largest
  EXPECT_EQ(p.at(0, 11, 11), 255.0f);  // and fills its 4 x 4 block
  EXPECT_LT(p.at(0, 0, 0), p.at(0, 4, 4));
  EXPECT_EQ(p.at(0, 0, 0), p.at(0, 3, 3));
  EXPECT_NEAR(p.at(0, 8, 4), std::round(k.at(2, 1) / k.at(2, 2) * 255.0), 0.5);
}
