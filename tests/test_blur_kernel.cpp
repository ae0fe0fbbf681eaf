// lib/spatial/BlurKernel: Gaussians, anisotropic Gaussians, disks, CSV kernels and their specs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "TestSupport.h"
#include "lib/core/Error.h"
#include "lib/spatial/BlurKernel.h"

using namespace hsifuse;

TEST(BlurKernel, GaussianAnisotropicCsvAndSpecs) {
  auto g = BlurKernel::gaussian(7, 1.5);
  double sum = 0;
  for (double v : g.w) sum += v;
  EXPECT_NEAR(sum, 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(g.at(3, 3), *std::max_element(g.w.begin(), g.w.end()));
  EXPECT_NEAR(g.at(0, 3), g.at(3, 0), 1e-15);
  auto a = BlurKernel::anisotropicGaussian(9, 3.0, 1.0, 0.0);
  EXPECT_GT(a.at(4, 0), a.at(0, 4));  // wide along x (columns)
  auto r = BlurKernel::anisotropicGaussian(9, 3.0, 1.0, 90.0);
  EXPECT_NEAR(r.at(0, 4), a.at(4, 0), 1e-12);
  auto m = BlurKernel::parse(test::dataPath("ual_motion_kernel_01_13x13.csv"));
  EXPECT_EQ(m.rows, 13);
  EXPECT_EQ(BlurKernel::parse("ual8").rows, 8);
  EXPECT_THROW(BlurKernel::parse("gauss:7"), InputError);
  EXPECT_THROW(BlurKernel::parse("gauss:0:1"), InputError);
}

TEST(BlurKernel, DiskIsARoundPillbox) {
  const BlurKernel d = BlurKernel::parse("disk:9:3");
  ASSERT_EQ(d.rows, 9);
  double sum = 0;
  for (double v : d.w) sum += v;
  EXPECT_NEAR(sum, 1.0, 1e-12);
  EXPECT_NEAR(d.at(4, 4), d.at(4, 3), 1e-12);  // flat inside
  EXPECT_EQ(d.at(0, 0), 0.0);                  // nothing in the corners
  EXPECT_GT(d.at(4, 1), d.at(4, 0));           // the rim is partly covered
  EXPECT_NEAR(d.at(1, 4), d.at(4, 1), 1e-12);  // round
  EXPECT_THROW(BlurKernel::parse("disk:9:-1"), InputError);
}
