// lib/quality/Qnr: QNR of a truth against its own degraded inputs is near 1.
#include <gtest/gtest.h>

#include <cmath>

#include "QualityTestData.h"
#include "lib/quality/Qnr.h"
#include "lib/spatial/Degradation.h"
#include "lib/spatial/Resampling.h"
#include "lib/spectral/SpectralResponse.h"

using namespace hsifuse;
using namespace hsifuse::test;

TEST(Qnr, TruthAgainstItsOwnDegradedInputsIsNearOne) {
  const Scene s = loadScene(HSIFUSE_SOURCE_DIR "/examples/hypsen/hypsen_truth_10m.tif");
  const BlurKernel k = mtfGaussian(3);
  const Cube lr = blurDownsample(s.cube, k, 3);
  std::vector<std::vector<double>> p(4, std::vector<double>(s.cube.bands, 0.0));
  for (int m = 0; m < 4; ++m)
    for (int b = m * 32; b < (m + 1) * 32; ++b) p[m][b] = 1.0 / 32;
  const Cube msi = projectSpectrally(s.cube, p);
  const QnrResult truth = qnrIndices(s.cube, lr, msi, 3, k, 24);
  const QnrResult bicubic = qnrIndices(upsample(lr, 3, Interpolation::Bicubic), lr, msi, 3, k, 24);
  // Measured: QNR 0.948 (D_lambda 0.026, D_s 0.027) and HQNR 0.957 for the truth; 0.845 and 0.814 for bicubic.
  EXPECT_GT(truth.qnr, 0.93);
  EXPECT_GT(truth.hqnr, 0.93);
  EXPECT_GT(truth.qnr, bicubic.qnr);
  EXPECT_GT(truth.hqnr, bicubic.hqnr);
}
