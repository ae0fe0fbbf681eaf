// The metric test vectors of ../shared/specs/metric-testvectors.txt (section 2.9 of the spec),
// rebuilt from their formulas: G = 0.5 + 0.4 sin(0.3i + 0.5j + 0.7b), F = G + 0.02 cos(0.9i - 0.4j + 1.1b).
#include <gtest/gtest.h>

#include <cmath>

#include "lib/core/Error.h"
#include "lib/quality/Metrics.h"
#include "lib/quality/Qnr.h"
#include "lib/quality/QualityIndices.h"
#include "lib/quality/Quicklook.h"
#include "lib/spatial/TilePlan.h"

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

// The cube on the 8-bit scale (the uint16 variant of Q2n needs integer-like data).
Cube times255(Cube c) {
  c.scale(255);
  return c;
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

TEST(MetricVectors, QualityIndicesT1) {
  auto [g, f] = testCubes(16, 16, 4);
  expectRel(uiqi(g, f, 8), 0.9985416498);
  std::vector<double> x(g.band(0), g.band(0) + 256), y(f.band(0), f.band(0) + 256);
  expectRel(qIndex(x.data(), y.data(), x.size()), 0.9987775750);
  expectRel(q2n(g, f, {16, 16, false}), 0.9987460320);
  expectRel(q2n(g, f, {8, 8, false}), 0.9985482597);
  expectRel(q2n(times255(g), times255(f), {16, 16, true}), 0.9987345547);
}

TEST(MetricVectors, QualityIndicesT2) {
  auto [g, f] = testCubes(64, 64, 31);
  expectRel(uiqi(g, f, 32), 0.9987507158);
  expectRel(q2n(g, f, {32, 32, false}), 0.9987507329);
  expectRel(q2n(times255(g), times255(f), {32, 32, true}), 0.9987355889);
}

TEST(MetricEdges, QualityIndicesIdenticalFlatAndMasked) {
  auto [g, f] = testCubes(40, 40, 5);
  EXPECT_NEAR(uiqi(g, g, 8), 1.0, 1e-9);
  EXPECT_NEAR(q2n(g, g, {16, 16, false}), 1.0, 1e-9);  // 40 is not a multiple of 16: mirror padding
  // A flat band against itself counts 1 (img_qi's special case), against another value 0.
  Cube flat(1, 16, 16, 0.5f), other(1, 16, 16, 0.25f);
  EXPECT_DOUBLE_EQ(uiqi(flat, flat, 8), 1.0);
  EXPECT_NEAR(uiqi(flat, other, 8), 2 * 0.5 * 0.25 / (0.25 + 0.0625), 1e-12);
  // Masked pixels: a wildly wrong pixel stops mattering once it is masked out.
  Cube bad = f;
  for (int b = 0; b < 5; ++b) bad.at(b, 3, 3) = 100.0f;
  PixelMask mask(40 * 40, 1);
  mask[3 * 40 + 3] = 0;
  EXPECT_LT(uiqi(g, bad, 8), uiqi(g, f, 8) - 0.01);
  EXPECT_GT(uiqi(g, bad, 8, mask), uiqi(g, f, 8) - 0.01);
  EXPECT_LT(q2n(g, bad, {16, 16, false}), q2n(g, f, {16, 16, false}) - 0.01);
  EXPECT_GT(q2n(g, bad, {16, 16, false}, mask), q2n(g, f, {16, 16, false}) - 0.01);
  EXPECT_THROW(q2n(g, f, {128, 128, false}), InputError);
  // Invalid pixels every 7 rows and columns: no 8x8 window, 16x16 block or 11x11 SSIM window is free of them, so the
  // windowed metrics are unavailable (NaN), not an error.
  PixelMask sieve(40 * 40, 1);
  for (int r = 0; r < 40; r += 7)
    for (int c = 0; c < 40; c += 7) sieve[r * 40 + c] = 0;
  EXPECT_TRUE(std::isnan(uiqi(g, f, 8, sieve)));
  EXPECT_TRUE(std::isnan(q2n(g, f, {16, 16, false}, sieve)));
  EXPECT_TRUE(std::isnan(ssimUal(g, f, sieve)));
  EXPECT_TRUE(std::isfinite(uiqi(g, f, 6, sieve)));  // a 6x6 window fits between them
}

// The spec's QNR test inputs on T2: Yu = G sampled at (i - i mod 4, j - j mod 4), X_c = the mean of G over
// bands b = c (mod 3), Xu_c the same mean over Yu, fused = F.
TEST(MetricVectors, QnrT2) {
  auto [g, f] = testCubes(64, 64, 31);
  Cube yUp(31, 64, 64), x(3, 64, 64), xDeg(3, 64, 64);
  for (int b = 0; b < 31; ++b)
    for (int i = 0; i < 64; ++i)
      for (int j = 0; j < 64; ++j)
        yUp.at(b, i, j) = static_cast<float>(0.5 + 0.4 * std::sin(0.3 * (i - i % 4) + 0.5 * (j - j % 4) + 0.7 * b));
  for (int c = 0; c < 3; ++c)
    for (int i = 0; i < 64; ++i)
      for (int j = 0; j < 64; ++j) {
        double sx = 0, sy = 0;
        int n = 0;
        for (int b = c; b < 31; b += 3, ++n) sx += g.at(b, i, j), sy += yUp.at(b, i, j);
        x.at(c, i, j) = static_cast<float>(sx / n);
        xDeg.at(c, i, j) = static_cast<float>(sy / n);
      }
  const double dl = spectralDistortion(f, yUp, 32), ds = spatialDistortion(f, yUp, x, xDeg, 32);
  EXPECT_NEAR(dl, 0.0020647011, 1e-6 * 0.0020647011 + 1e-9);
  EXPECT_NEAR(ds, 0.0003304892, 1e-5 * 0.0003304892 + 1e-9);
  EXPECT_NEAR((1 - dl) * (1 - ds), 0.9976054920, 1e-8);
}

TEST(MetricEdges, ConstantAndZeroBands) {
  auto [g, f] = testCubes(32, 32, 4);
  for (std::size_t i = 0; i < g.planeSize(); ++i) {
    g.band(1)[i] = f.band(1)[i] = 0.25f;  // constant, identical
    g.band(2)[i] = 0.0f;                  // zero reference band: ERGAS skips it
  }
  const double e = ergas(g, f, 4);
  EXPECT_TRUE(std::isfinite(e));
  auto [g2, f2] = testCubes(32, 32, 4);
  EXPECT_NE(e, ergas(g2, f2, 4));
  EXPECT_TRUE(std::isfinite(ssimUal(g, f)));
  EXPECT_TRUE(std::isfinite(uiqi(g, f, 8)));
  const double q = q2n(g, f, {16, 16, false});
  EXPECT_TRUE(std::isfinite(q));
  EXPECT_GT(q, 0.0);
  EXPECT_LE(q, 1.0 + 1e-9);
  EXPECT_NEAR(q2n(g, g, {16, 16, false}), 1.0, 1e-9);  // identical cubes with a constant band: still 1
}
