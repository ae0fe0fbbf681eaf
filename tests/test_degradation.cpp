#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "GeoTestData.h"
#include "geo/RasterDataset.h"
#include "lib/core/Error.h"
#include "lib/core/WindowSource.h"
#include "lib/fusion/ClassicalFusion.h"
#include "lib/quality/Metrics.h"
#include "lib/spatial/BlurKernel.h"
#include "lib/spatial/Degradation.h"
#include "lib/spatial/Resampling.h"
#include "lib/spectral/SpectralResampling.h"
#include "lib/spectral/SpectralResponse.h"

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

TEST(Degradation, SamplingPhaseCentresTheKernelOnTheLrPixel) {
  // A single bright HR pixel at (s*i + p_row, s*j + p_col) under an odd 1x1 "kernel" is sampled
  // by LR pixel (i, j) only when it is the pixel the convention names.
  const int s = 4;
  Cube z(1, 16, 16);
  z.at(0, 5, 9) = 1.0f;
  // A 4x4 box with k - s = 0: LR pixel (1, 2) covers HR rows 4..7 and columns 8..11.
  BlurKernel box;
  box.rows = box.cols = 4;
  box.w.assign(16, 1.0 / 16);
  Cube y = blurDownsample(z, box, s);
  EXPECT_FLOAT_EQ(y.at(0, 1, 2), 1.0f / 16);
  double total = 0;
  for (float v : y.data) total += v;
  EXPECT_FLOAT_EQ(total, 1.0f / 16);
  // An 8x8 kernel at s = 4 pads p = 2 before: LR pixel i covers HR rows 4i-2 .. 4i+5.
  EXPECT_EQ(degradationPadding(8, 4), 2);
  EXPECT_EQ(degradationPadding(13, 8), 2);
  EXPECT_EQ(degradationPadding(3, 8), -3);
}

TEST(Degradation, SeparableAndFftBlursEqualTheDirectSumAtTheBorderToo) {
  // blurDownsample takes three routes: separable kernels by rows then columns, large non-separable kernels at
  // full resolution by FFT, the rest tap by tap. Each must equal the plain sum with clamped borders.
  Cube z = test::hyperionCube().crop({0, 0, 23, 19});
  z.bands = 3;
  z.data.resize(3 * z.planeSize());
  auto direct = [&](const BlurKernel& k, int s) {
    const int pr = degradationPadding(k.rows, s), pc = degradationPadding(k.cols, s);
    Cube y(z.bands, z.rows / s, z.cols / s);
    for (int b = 0; b < z.bands; ++b)
      for (int i = 0; i < y.rows; ++i)
        for (int j = 0; j < y.cols; ++j) {
          double acc = 0;
          for (int u = 0; u < k.rows; ++u)
            for (int v = 0; v < k.cols; ++v)
              acc += k.at(u, v) *
                     z.at(b, std::clamp(s * i - pr + u, 0, z.rows - 1), std::clamp(s * j - pc + v, 0, z.cols - 1));
          y.at(b, i, j) = static_cast<float>(acc);
        }
    return y;
  };
  const struct {
    BlurKernel k;
    int s;
  } cases[] = {{BlurKernel::gaussian(9, 1.7), 1},                       // separable
               {BlurKernel::gaussian(7, 1.2), 3},                       // separable, decimated
               {BlurKernel::anisotropicGaussian(13, 2.5, 1.0, 30), 1},  // FFT (odd rows and columns of the plane)
               {BlurKernel::disk(12, 4.5), 1},                          // FFT, even size
               {BlurKernel::anisotropicGaussian(7, 2.0, 0.8, 60), 2}};  // tap by tap
  for (const auto& c : cases) {
    const Cube want = direct(c.k, c.s), got = blurDownsample(z, c.k, c.s);
    ASSERT_EQ(got.rows, want.rows);
    ASSERT_EQ(got.cols, want.cols);
    double worst = 0;
    for (std::size_t i = 0; i < want.data.size(); ++i)
      worst = std::max(worst, double(std::fabs(got.data[i] - want.data[i])));
    EXPECT_LT(worst, 1e-6) << c.k.rows << "x" << c.k.cols << " at s = " << c.s;
  }
}

TEST(Degradation, NoiseHitsTheRequestedSnrAndIsRepeatable) {
  Cube y(3, 32, 32, 0.5f);
  Cube a = y, b = y;
  addNoiseAtSnr(a, 30.0, 7);
  addNoiseAtSnr(b, 30.0, 7);
  EXPECT_EQ(a.data, b.data);
  double sig = 0, noise = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    sig += double(y.data[i]) * y.data[i];
    noise += double(a.data[i] - y.data[i]) * (a.data[i] - y.data[i]);
  }
  EXPECT_NEAR(10 * std::log10(sig / noise), 30.0, 0.2);
}

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

TEST(SpectralResampling, GridAndMatrix) {
  auto grid = parseBandGrid("31x400-700");
  ASSERT_EQ(grid.size(), 31u);
  EXPECT_DOUBLE_EQ(grid[30].wavelengthNm, 700);
  EXPECT_DOUBLE_EQ(grid[0].fwhmNm, 10);
  std::vector<SpectralBand> src;
  for (int k = 0; k < 100; ++k) src.push_back({400 + 5.0 * k, 5.0});
  auto w = resamplingMatrix(src, grid);
  // A target centred on a source band weighs it most; rows sum to 1.
  for (const auto& row : w) {
    double s = 0;
    for (double v : row) s += v;
    EXPECT_NEAR(s, 1.0, 1e-12);
  }
  EXPECT_EQ(std::max_element(w[2].begin(), w[2].end()) - w[2].begin(), 4);  // 420 nm = source 4
  EXPECT_THROW(resamplingMatrix(src, {{1500, 10}}), InputError);
  EXPECT_THROW(parseBandGrid("31x700-400"), InputError);
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
