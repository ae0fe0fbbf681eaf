// lib/spectral/SignalSubspace: HySime's signal subspace on a real Hyperion crop with white noise added.
#include <gtest/gtest.h>

#include "GeoTestData.h"
#include "lib/quality/Metrics.h"
#include "lib/spatial/Degradation.h"
#include "lib/spectral/SignalSubspace.h"

using namespace hsifuse;

// The real 48 x 48 x 128 crop at 35 dB: a few directions carry the scene, so the projection removes most of the noise
// (the noise keeps rank / 128 of its power) and keeps most of the signal. Measured: rank 15, 44.9 -> 47.5 dB (with
// the true noise and the best rank, 48.7: the band-regression noise estimate errs 28 % high here).
TEST(SignalSubspace, ProjectionRemovesMostOfTheNoiseOfARealCube) {
  const Cube z = test::hyperionCube();
  Cube y = z;
  addNoiseAtSnr(y, 35.0, 4);
  const SignalSubspace subspace = estimateSignalSubspace(y);
  RecordProperty("rank", subspace.rank);
  ASSERT_GE(subspace.rank, 2);
  EXPECT_LE(subspace.rank, 40);
  const double before = psnrUal(z, y), after = psnrUal(z, subspace.project(y));
  EXPECT_GT(after, before + 2.0) << "rank " << subspace.rank << ": " << before << " -> " << after << " dB";
}

// Few pixels: the sample covariance spreads pure noise over many strong-looking directions; with the Marchenko-Pastur
// margin a 6 x 6-pixel crop keeps a handful of directions, and the projection still does not add error.
TEST(SignalSubspace, FewPixelsKeepFewDirections) {
  const Cube z = test::hyperionCube().crop({20, 20, 6, 6});
  Cube y = z;
  addNoiseAtSnr(y, 35.0, 5);
  const SignalSubspace subspace = estimateSignalSubspace(y);
  EXPECT_LE(subspace.rank, 10);
  EXPECT_GE(psnrUal(z, subspace.project(y)), psnrUal(z, y));
}

// No noise estimate (two pixels are too few for the band regressions): the identity.
TEST(SignalSubspace, WithoutANoiseEstimateNothingIsProjected) {
  const Cube y = test::hyperionCube().crop({0, 0, 2, 1});
  const SignalSubspace subspace = estimateSignalSubspace(y);
  EXPECT_EQ(subspace.rank, 0);
  EXPECT_EQ(subspace.project(y).data, y.data);
}
