#pragma once
// fuse's memory plan (--ram is the peak RSS of the whole process): what is held whole, what one adaptation step
// and the first-stage choice need, and the tile side of everything with the HR size and all HSI bands. Pure
// arithmetic on sizes, testable without GDAL or LibTorch. The factors are estimates measured against peak RSS
// (bench/RESULTS.md "Streaming"): measured peaks came within 1 % of plans that used the whole budget.
#include <string>

namespace hsifuse {

struct MemoryPlanInputs {
  double ramMb = 2048;       // --ram
  double programMb = 190;    // resident before the plan (LibTorch, GDAL: about 190 MB)
  double gdalCacheMb = 128;  // GDAL's block cache as capped
  int hsiBands = 0, msiBands = 0, scale = 1;
  int lrRows = 0, lrCols = 0;        // the LR window fused (the HR window is s times it)
  int fitLrRows = 0, fitLrCols = 0;  // the part of it held in memory (FuseOptions::fitAreaLr; 0: all of it)
  double readBuffersMb = 0;          // strips of the files read by windows when only a part is held
  bool report = false, quicklook = false;
  bool adapts = false;        // ual, fixed-kernel, dip: an adaptation runs
  bool trainsFusion = false;  // dip, --finetune: the fusion module trains too
  bool usesNetworks = false;  // any method but the classical ones
  int patchLr = 64;           // the adaptation's patch side in LR pixels, resolved
  int adaptRadius = 0;        // receptive radii (HR pixels) of the adaptation module and the fusion module
  int fusionRadius = 0;
  int netRadius = 0;             // the halo of the network passes' tiles
  int netWidth = 8;              // the widest network applied in tiles
  int fusionWidth = 0;           // the fusion module's width when it trains, else 0
  int tile = 0;                  // --tile (0: from the budget)
  double kernelStartValues = 0;  // HSI values the kernel's least-squares start holds (its crop x bands)
  double choiceValues = 0;  // values the first-stage choice holds (lib/fusion/FirstStageChoice.h choiceWorkingValues)
};

struct MemoryPlan {
  // Per HR pixel of a network tile: this many activations of the network's width, and copies of the HSI bands.
  static constexpr double kActivationsPerWidth = 20, kTileHsiCopies = 3;
  // Per HR pixel of a classical tile: copies of the HSI bands (the upsampled bands, the output).
  static constexpr double kClassicalHsiCopies = 4;
  // Per HR pixel of an adaptation patch: copies of the HSI bands (Z~, Z^, gradients, Adam's moments, the
  // degeneration), and activations per unit of the fusion module's width when it trains.
  static constexpr double kStepHsiCopies = 12, kStepActivationsPerWidth = 20;
  // Per HR pixel of the report's quality window: copies of the HSI bands; of the quicklook: 3 Float32 bands.
  static constexpr double kQualityHsiCopies = 12, kQuicklookBytes = 12;
  static constexpr double kKernelStartCopies = 1.5;   // the crop of Z~ and its design matrix
  static constexpr double kTileShareOfBudget = 0.85;  // what the estimates leave as margin
  static constexpr double kMinTileBudgetMb = 32;
  static constexpr int kClassicalTileHr = 384;  // larger tiles gain no speed, only memory

  double inputsMb = 0;         // the held part of the LR HSI and the MSI, and the pixel masks
  double qualityPixels = 0;    // HR pixels of the report's quality window (0: no report): its kQualityHsiCopies
                               // copies fit in --ram less the program, the inputs and GDAL's cache
  double trainingMb = 0;       // the largest of the adaptation step, the kernel start and the first-stage choice
  double heldMb = 0;           // everything but the tiles
  int tile = 0;                // HR pixels, a multiple of s
  int canonicalTile = 0;       // the side used whenever --ram allows it (kNetworkTileHr or kClassicalTileHr, per s)
  bool budgetLimited = false;  // a network tile under canonicalTile because of --ram
  double ramForCanonicalTileMb = 0;  // the --ram that would allow canonicalTile
  // The first stage the adaptation reads by patches (all HSI bands, HR size): held in memory when it fits in what
  // the rest leaves of --ram, else written to a temporary file beside OUTPUT.
  double stageMb = 0;
  bool stageInMemory = false;
};

// Throws InputError naming --ram when what is held leaves less than kMinTileBudgetMb for the tiles.
MemoryPlan planMemory(const MemoryPlanInputs& in);

}  // namespace hsifuse
