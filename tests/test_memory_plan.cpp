// pipeline/MemoryPlan: fuse's memory plan, by its parts (issue #16: the factors named and tested on their own).
#include <gtest/gtest.h>

#include "lib/core/Error.h"
#include "lib/spatial/TilePlan.h"
#include "pipeline/MemoryPlan.h"

using namespace hsifuse;

namespace {

// The shipped example's size: 24 x 24 LR pixels of 128 bands, a 4-band MSI at s = 3, the default ual.
MemoryPlanInputs hypsen() {
  MemoryPlanInputs in;
  in.ramMb = 2048;
  in.programMb = 190;
  in.gdalCacheMb = 128;
  in.hsiBands = 128;
  in.msiBands = 4;
  in.scale = 3;
  in.lrRows = in.lrCols = 24;
  in.adapts = in.usesNetworks = true;
  in.patchLr = 64;
  in.adaptRadius = in.netRadius = 7;
  in.fusionRadius = 7;
  in.netWidth = 32;
  return in;
}

}  // namespace

TEST(MemoryPlan, HeldMemoryIsTheSumOfItsNamedParts) {
  MemoryPlanInputs in = hypsen();
  const MemoryPlan p = planMemory(in);
  const double hr = 72.0 * 72.0;
  // Held: both inputs over the fitted part (here all of it) and its two masks, and the whole scene's HR mask.
  EXPECT_DOUBLE_EQ(p.inputsMb, (4.0 * (128 * 24 * 24 + 4 * hr) + 2.0 * hr + hr) / 1e6);
  MemoryPlanInputs large = in;  // a scene 100 times larger, held on a part of the same size (--fit-area)
  large.lrRows = large.lrCols = 240;
  large.fitLrRows = large.fitLrCols = 24;
  EXPECT_DOUBLE_EQ(planMemory(large).inputsMb, (4.0 * (128 * 24 * 24 + 4 * hr) + 2.0 * hr + 100 * hr) / 1e6);
  // The patch is the whole 24-LR scene with its margins: 3 * 24 + 4 * 3 + 2 * 7 HR pixels.
  const double side = 72 + 12 + 14;
  EXPECT_DOUBLE_EQ(p.trainingMb, side * side * 4.0 * MemoryPlan::kStepHsiCopies * 128 / 1e6);
  EXPECT_DOUBLE_EQ(p.heldMb, 190 + p.inputsMb + 128 + p.trainingMb);
  EXPECT_EQ(p.qualityPixels, 0.0);  // no report asked
  in.report = true;
  EXPECT_DOUBLE_EQ(planMemory(in).qualityPixels, hr);  // the whole output fits the budget
  // A larger buffer before the first step (the kernel start, the first-stage choice) takes over when it is larger.
  in.kernelStartValues = 1e9;
  in.ramMb = 1e5;
  EXPECT_DOUBLE_EQ(planMemory(in).trainingMb, MemoryPlan::kKernelStartCopies * 4.0 * 1e9 / 1e6);
}

TEST(MemoryPlan, NetworkTilesKeepOneSideWhateverTheBudgetUntilItIsTooSmall) {
  MemoryPlanInputs in = hypsen();
  in.lrRows = in.lrCols = 1000;
  for (double ram : {2048.0, 8000.0, 64000.0}) {
    in.ramMb = ram;
    const MemoryPlan p = planMemory(in);
    EXPECT_EQ(p.tile, kNetworkTileHr) << ram;
    EXPECT_FALSE(p.budgetLimited);
  }
  // A classical method gets larger tiles (its result does not depend on them).
  in.usesNetworks = in.adapts = false;
  in.netRadius = 0;
  EXPECT_EQ(planMemory(in).tile, MemoryPlan::kClassicalTileHr);
  // Tight: smaller tiles, a multiple of s, flagged; too tight: refused naming --ram.
  in = hypsen();
  in.lrRows = in.lrCols = 1000;
  in.netWidth = 64;
  in.ramMb = planMemory(in).heldMb + 40;
  const MemoryPlan tight = planMemory(in);
  EXPECT_TRUE(tight.budgetLimited);
  EXPECT_LT(tight.tile, kNetworkTileHr);
  EXPECT_EQ(tight.tile % 3, 0);
  in.ramMb = tight.heldMb + 10;
  try {
    planMemory(in);
    FAIL() << "a budget under 32 MB for the tiles was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--ram"), std::string::npos);
  }
  // --tile is taken as given.
  in.ramMb = 8000;
  in.tile = 99;
  EXPECT_EQ(planMemory(in).tile, 99);
}

TEST(MemoryPlan, AStepGrowsWithThePatchAndTheTrainedFusionModule) {
  MemoryPlanInputs in = hypsen();
  in.lrRows = in.lrCols = 200;
  in.patchLr = 16;
  const double small = planMemory(in).trainingMb;
  in.patchLr = 64;
  const double large = planMemory(in).trainingMb;
  EXPECT_GT(large, 5 * small);  // (3 * 64 + 26)^2 / (3 * 16 + 26)^2 HR pixels
  in.trainsFusion = true;
  in.fusionWidth = 64;
  EXPECT_GT(planMemory(in).trainingMb, large);
}

// The first stage the adaptation reads by patches stays in memory when --ram holds it beside everything else, and goes
// to a temporary file when it does not (issue #15: the stage file only where the budget needs it).
TEST(MemoryPlan, TheFirstStageIsHeldInMemoryWhenTheBudgetAllows) {
  MemoryPlanInputs in = hypsen();
  in.lrRows = 330;
  in.lrCols = 250;  // the HypSen-size scene: 990 x 750 x 128 HR values, 380 MB
  in.ramMb = 2048;
  const MemoryPlan roomy = planMemory(in);
  EXPECT_DOUBLE_EQ(roomy.stageMb, 4.0 * 128 * 990 * 750 / 1e6);
  EXPECT_TRUE(roomy.stageInMemory);
  in.lrRows = 660;
  in.lrCols = 500;  // 4 x the area: 1.5 GB of first stage does not fit beside the rest in 2 GB
  EXPECT_FALSE(planMemory(in).stageInMemory);
  in.adapts = false;  // nothing reads it back: no stage at all
  EXPECT_EQ(planMemory(in).stageMb, 0.0);
}
