// lib/spatial/ShiftEstimation: a known sub-pixel shift recovered on a real Hyperion crop.
#include <gtest/gtest.h>

#include <cmath>

#include "QualityTestData.h"
#include "lib/spatial/Degradation.h"
#include "lib/spatial/Resampling.h"
#include "lib/spatial/ShiftEstimation.h"
#include "lib/spectral/SpectralResponse.h"

using namespace hsifuse;
using namespace hsifuse::test;

// Shift estimation on the real Hyperion crop: the HSI displaced by a known sub-pixel amount before the
// degradation is found again, and an undisplaced pair gives about zero.
TEST(ShiftEstimation, RecoversAKnownSubPixelShift) {
  const Scene s = loadScene(dataPath("hyperion_paris_48x48x128_f32.tif"));
  std::vector<std::vector<double>> p(4, std::vector<double>(s.cube.bands, 0.0));
  for (int m = 0; m < 4; ++m)
    for (int b = m * 32; b < (m + 1) * 32; ++b) p[m][b] = 1.0 / 32;
  const Cube x = projectSpectrally(s.cube, p);
  const BlurKernel k = BlurKernel::gaussian(7, 1.5);
  const ShiftEstimate none = estimateShift(x, blurDownsample(s.cube, k, 3), p, 3);
  EXPECT_LT(std::hypot(none.dx, none.dy), 0.3) << none.dx << ", " << none.dy;
  // HSI content moved right 1.5 and up 0.75 HR pixels: the MSI is the HSI moved back.
  const ShiftEstimate e = estimateShift(x, blurDownsample(shifted(s.cube, 1.5, -0.75), k, 3), p, 3);
  EXPECT_NEAR(e.dx, -1.5, 0.3);
  EXPECT_NEAR(e.dy, 0.75, 0.3);
  EXPECT_GT(e.peak, 0.1);
}
