#pragma once
// Wald's protocol on files: from a real high-resolution HSI, write the LR HSI Y = (Z * k) down s + N
// and the HR MSI X = P Z (+ N) as georeferenced rasters, so any real cube becomes a test pair.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "geo/RasterWriter.h"
#include "lib/spatial/BlurKernel.h"
#include "lib/core/Progress.h"
#include "lib/spectral/SpectralBand.h"

namespace hsifuse {

struct SimulationOptions {
  std::string input;
  std::string wavelengthTable;                   // --wavelengths for the input
  std::optional<std::vector<SpectralBand>> resampleTo;  // spectral resampling first
  std::string srf;                               // shipped name or CSV (curves or P)
  double minCoverage = 0.5;
  int scale = 0;
  BlurKernel kernel;
  double lrSnrDb = INFINITY;                     // no noise when infinite
  double msiSnrDb = INFINITY;
  std::uint64_t seed = 0;
  std::string lrOut;
  std::string msiOut;
  std::string truthOut;                          // optional: the (resampled, cropped) reference Z
  WriteOptions write;
};

struct SimulationReport {
  int hrRows = 0, hrCols = 0, lrRows = 0, lrCols = 0, hsiBands = 0;
  std::vector<std::string> msiBands;
  std::vector<std::string> warnings;
  double lrNoiseSigma = 0, msiNoiseSigma = 0;
};

// Reads the whole input (the simulation is for test-sized cubes), crops it to a multiple of s, and
// writes the outputs atomically. Throws InputError/Error with the user-facing message.
SimulationReport simulatePair(const SimulationOptions& options, const ProgressFn& progress = {});

}  // namespace hsifuse
