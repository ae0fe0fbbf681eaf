// lib/Radiometry: the MSI brought to the HSI's radiometric scale through P.
#include <gtest/gtest.h>

#include "lib/spectral/Radiometry.h"

using namespace hsifuse;

TEST(Radiometry, EachMsiBandGetsTheGainThatMatchesPAppliedToTheHsi) {
  // Two HSI bands of constant 0.2 and 0.4 on 2 x 2 LR pixels; P averages them (0.3) for MSI band 1 and keeps band 2
  // (0.4) for MSI band 2. The MSI is in other units: 600 and 0 (a dead band keeps gain 1).
  Cube y(2, 2, 2), x(2, 4, 4);
  for (int i = 0; i < 4; ++i) y.band(0)[i] = 0.2f, y.band(1)[i] = 0.4f;
  for (int i = 0; i < 16; ++i) x.band(0)[i] = 600, x.band(1)[i] = 0;
  const std::vector<double> gains = matchMsiToHsi(x, y, {{0.5, 0.5}, {0, 1}}, 2);
  ASSERT_EQ(gains.size(), 2u);
  EXPECT_NEAR(gains[0], 0.3 / 600, 1e-9);
  EXPECT_EQ(gains[1], 1.0);
  EXPECT_NEAR(x.band(0)[5], 0.3, 1e-6);
}
