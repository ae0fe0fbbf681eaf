#include "pipeline/MemoryPlan.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "lib/core/Error.h"
#include "lib/spatial/TilePlan.h"

namespace hsifuse {

MemoryPlan planMemory(const MemoryPlanInputs& in) {
  using P = MemoryPlan;
  MemoryPlan plan;
  const int s = std::max(in.scale, 1);
  const double bands = in.hsiBands, lrPixels = double(in.lrRows) * in.lrCols, hrPixels = lrPixels * s * s;
  const int fitRows = in.fitLrRows > 0 ? in.fitLrRows : in.lrRows,
            fitCols = in.fitLrCols > 0 ? in.fitLrCols : in.lrCols;
  const double fitLrPixels = double(fitRows) * fitCols, fitHrPixels = fitLrPixels * s * s;
  // Held: the LR HSI and the MSI over the fitted part (the adaptation uses them in place), one byte per pixel for
  // the masks of that part and of the whole scene.
  plan.inputsMb = (4.0 * (bands * fitLrPixels + in.msiBands * fitHrPixels) + 2.0 * fitHrPixels + hrPixels) / 1e6;
  // The report's quality section runs after the tiles, on kQualityHsiCopies copies of its window: they must fit in
  // what the program, the inputs and GDAL's cache leave of --ram (sized by the whole --ram, a 900 MB run peaked
  // at 918 MB).
  const double afterTilesMb = std::max(0.0, in.ramMb - in.programMb - plan.inputsMb - in.gdalCacheMb);
  plan.qualityPixels =
      in.report ? std::min(hrPixels, P::kTileShareOfBudget * afterTilesMb * 1e6 / (4 * P::kQualityHsiCopies * bands))
                : 0.0;
  if (in.adapts) {
    const double patchSide = s * std::min({in.patchLr, fitRows, fitCols}) + 4.0 * s +
                             2.0 * (in.adaptRadius + (in.trainsFusion ? in.fusionRadius : 0));
    const double stepMb =
        patchSide * patchSide * 4.0 * (P::kStepHsiCopies * bands + P::kStepActivationsPerWidth * in.fusionWidth) / 1e6;
    plan.trainingMb =
        std::max({P::kKernelStartCopies * 4.0 * in.kernelStartValues / 1e6, 4.0 * in.choiceValues / 1e6, stepMb});
  }
  plan.heldMb = in.programMb + plan.inputsMb + in.readBuffersMb + in.gdalCacheMb + plan.trainingMb +
                (4.0 * bands * plan.qualityPixels + (in.quicklook ? P::kQuicklookBytes * hrPixels : 0.0)) / 1e6;
  plan.tile = in.tile;
  // The networks' float rounding depends on the tensor sizes, so their passes use one tile side whatever the
  // budget (the same --seed gives the same bytes under any load and --ram); classical methods are exact per pixel.
  plan.canonicalTile = std::max(s, (in.usesNetworks ? kNetworkTileHr : P::kClassicalTileHr) / s * s);
  // What one tile holds per HR pixel, its halo included.
  const double bytesPerPixel = in.usesNetworks
                                   ? 4.0 * (P::kActivationsPerWidth * in.netWidth + P::kTileHsiCopies * bands)
                                   : 4.0 * (P::kClassicalHsiCopies * bands + in.msiBands);
  const auto tileMb = [&](int side) {
    return (side + 2.0 * in.netRadius) * (side + 2.0 * in.netRadius) * bytesPerPixel / 1e6;
  };
  if (plan.tile <= 0) {
    const double budgetMb = in.ramMb - plan.heldMb;
    if (budgetMb < P::kMinTileBudgetMb)
      throw InputError(
          fmt::format("--ram {:.0f}: this scene's inputs and buffers need {:.0f} MB and its tiles at least {:.0f} MB "
                      "more; raise --ram or crop the inputs",
                      in.ramMb, plan.heldMb, P::kMinTileBudgetMb));
    const int budgetTile = tileSizeForBudget(P::kTileShareOfBudget * budgetMb * 1e6, bytesPerPixel, in.netRadius, s);
    plan.tile = std::min(budgetTile, plan.canonicalTile);
    plan.ramForCanonicalTileMb = std::ceil(plan.heldMb + tileMb(plan.canonicalTile) / P::kTileShareOfBudget);
    plan.budgetLimited = in.usesNetworks && plan.tile < plan.canonicalTile;
  }
  if (in.adapts) {
    plan.stageMb = 4.0 * bands * hrPixels / 1e6;
    plan.stageInMemory = plan.stageMb <= P::kTileShareOfBudget * (in.ramMb - plan.heldMb - tileMb(plan.tile));
  }
  return plan;
}

}  // namespace hsifuse
