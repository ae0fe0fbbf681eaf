// lib/spectral/ResponseEstimation: P fitted from a scene recovers the Sentinel-2 response.
#include <gtest/gtest.h>

#include <cmath>

#include "QualityTestData.h"
#include "lib/spatial/Degradation.h"
#include "lib/spatial/Resampling.h"
#include "lib/spectral/ResponseEstimation.h"
#include "lib/spectral/SpectralResponse.h"

using namespace hsifuse;
using namespace hsifuse::test;

// --srf estimate: P fitted from the real Hyperion crop and its Sentinel-2A MSI reproduces the MSI on the LR grid
// and puts each visible/NIR band's response where the true curve has it.
TEST(ResponseEstimation, RecoversTheSentinel2ResponseFromTheScene) {
  const Scene s = loadScene(dataPath("hyperion_paris_48x48x128_f32.tif"));
  const SpectralResponse truth = SpectralResponse::fromSpec("sentinel2a", s.bands);
  const Cube x = projectSpectrally(s.cube, truth.matrix());
  const Cube y = blurDownsample(s.cube, BlurKernel::gaussian(7, 1.5), 3);
  // The MSI brought to the LR grid with the MTF-matched Gaussian, as fuse does (s x s block means instead put
  // the red band's response at 1000+ nm: the blur mismatch outweighs the spectral differences).
  const ResponseFit fit = estimateResponse(y, blurDownsample(x, mtfGaussian(3), 3));
  ASSERT_EQ(fit.p.size(), truth.matrix().size());
  auto centre = [&](const std::vector<double>& row) {
    double c = 0;
    for (std::size_t b = 0; b < row.size(); ++b) c += row[b] * s.bands[b].wavelengthNm;
    return c;
  };
  const auto names = truth.keptBandNames();
  for (std::size_t m = 0; m < fit.p.size(); ++m) {
    EXPECT_LT(fit.relativeResidual[m], 0.02) << names[m];
    if (names[m] == "B2" || names[m] == "B3" || names[m] == "B4" || names[m] == "B8") {
      EXPECT_NEAR(centre(fit.p[m]), centre(truth.matrix()[m]), 40.0) << names[m];
    }
  }
}
