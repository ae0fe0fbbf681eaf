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

TEST(Degradation, AWindowOfTheBlurReadsOnlyThePixelsUnderIt) {
  // blurDownsampleWindow is what GLP-HS's low-pass uses on a scene read window by window: every window, at the
  // border or inside, must equal the same pixels of the whole-scene blur, from reads that stay near the window.
  Cube z = test::hyperionCube().crop({0, 0, 36, 30});
  z.bands = 2;
  z.data.resize(2 * z.planeSize());
  const WindowSource whole = WindowSource::ofCube(z);
  int largestRead = 0;
  const WindowSource counting{z.bands, z.rows, z.cols, [&](const Window& w) {
                                largestRead = std::max(largestRead, w.width * w.height);
                                return whole.read(w);
                              }};
  for (const auto& [k, s] :
       {std::pair{BlurKernel::gaussian(7, 1.5), 3}, std::pair{BlurKernel::anisotropicGaussian(8, 2.0, 0.8, 60), 2},
        std::pair{BlurKernel::gaussian(2, 0.5), 3}}) {
    const Cube all = blurDownsample(z, k, s);
    for (const Window& w : {Window{0, 0, 3, 2}, Window{4, 3, 5, 4}, Window{all.cols - 3, all.rows - 2, 3, 2},
                            Window{0, 0, all.cols, all.rows}}) {
      largestRead = 0;
      const Cube part = blurDownsampleWindow(counting, k, s, w);
      EXPECT_EQ(part.data, all.crop(w).data) << k.rows << "x" << k.cols << " at s = " << s;
      EXPECT_LE(largestRead, (s * w.width + k.cols) * (s * w.height + k.rows));
    }
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

  // A band of NaN (a water-absorption band) stays NaN and leaves the others' noise finite, at the same sigma.
  Cube holed = y;
  std::fill_n(holed.band(1), holed.planeSize(), std::nanf(""));
  const double sigma = addNoiseAtSnr(holed, 30.0, 7);
  EXPECT_NEAR(sigma, 0.5 / std::sqrt(1000.0), 1e-9);
  for (std::size_t i = 0; i < holed.planeSize(); ++i) {
    ASSERT_TRUE(std::isnan(holed.band(1)[i]));
    ASSERT_TRUE(std::isfinite(holed.band(0)[i]) && std::isfinite(holed.band(2)[i]));
  }
}
