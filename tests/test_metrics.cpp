// The metric test vectors of ../shared/specs/metric-testvectors.txt (section 2.9 of the spec),
// rebuilt from their formulas: G = 0.5 + 0.4 sin(0.3i + 0.5j + 0.7b), F = G + 0.02 cos(0.9i - 0.4j + 1.1b).
#include <gtest/gtest.h>

#include <cmath>

#include "lib/Error.h"
#include "lib/Metrics.h"

using namespace hsifuse;

namespace {

std::pair<Cube, Cube> testCubes(int rows, int cols, int bands) {
  Cube g(bands, rows, cols), f(bands, rows, cols);
  for (int b = 0; b < bands; ++b)
    for (int i = 0; i < rows; ++i)
      for (int j = 0; j < cols; ++j) {
        const double gv = 0.5 + 0.4 * std::sin(0.3 * i + 0.5 * j + 0.7 * b);
        g.at(b, i, j) = static_cast<float>(gv);
        f.at(b, i, j) = static_cast<float>(gv + 0.02 * std::cos(0.9 * i - 0.4 * j + 1.1 * b));
      }
  return {g, f};
}

// The cubes are stored as float32, the reference was computed in double: 1e-6 relative.
void expectRel(double actual, double expected, double rel = 1e-6) {
  EXPECT_NEAR(actual, expected, std::fabs(expected) * rel) << "expected " << expected;
}

}  // namespace

TEST(MetricVectors, T1_16x16x4) {
  auto [g, f] = testCubes(16, 16, 4);
  EXPECT_NEAR(g.at(1, 0, 0), 0.7576870749, 1e-7);
  EXPECT_NEAR(f.at(2, 3, 5), 0.0821149932, 1e-7);
  expectRel(rmse8(g, f), 3.6063793892);
  expectRel(psnrUal(g, f), 36.9523963438);
  expectRel(psnrCube(g, f), 36.9893753619);
  expectRel(psnrBandMean(g, f), 36.9893772283);
  expectRel(psnrBandMax(g, f), 36.0717157480);
  expectRel(samUal(g, f), 1.6151863138);
  expectRel(samDegrees(g, f), 1.6155810174);
  expectRel(ergas(g, f, 4), 0.7232195340);
  expectRel(ergas(g, f, 8), 0.3616097670);
  expectRel(ssimUal(g, f), 0.9980801966);
  expectRel(ssimValid(g, f), 0.9976357354);
}

TEST(MetricVectors, T2_64x64x31) {
  auto [g, f] = testCubes(64, 64, 31);
  expectRel(rmse8(g, f), 3.6062437071);
  expectRel(psnrUal(g, f), 36.9389313228);
  expectRel(psnrBandMean(g, f), 36.9897022652);
  expectRel(samDegrees(g, f), 1.4115913965);
  expectRel(samUal(g, f), 1.4193315996);
  expectRel(ergas(g, f, 8), 0.3535453866);
  expectRel(ssimUal(g, f), 0.9977701854);
  expectRel(ssimValid(g, f), 0.9976123042);
}

TEST(MetricEdges, IdenticalZeroPixelsAndShapes) {
  auto [g, f] = testCubes(16, 16, 4);
  EXPECT_NEAR(psnrUal(g, g), 10 * std::log10(255.0 * 255.0 / 1e-12), 1e-9);
  EXPECT_NEAR(samDegrees(g, g), 0.0, 1e-5);  // acos near 1 in double
  EXPECT_NEAR(ssimUal(g, g), 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(ergas(g, g, 4), 0.0);
  // A zero pixel: 90 degrees in UAL's SAM, left out of the toolbox SAM.
  Cube z = g, w = g;
  for (int b = 0; b < 4; ++b) z.at(b, 0, 0) = 0.0f;
  EXPECT_NEAR(samUal(z, w), 90.0 / 256, 1e-5);
  EXPECT_NEAR(samDegrees(z, w), 0.0, 1e-5);
  EXPECT_THROW(rmse8(g, Cube(4, 16, 15)), InputError);
}
