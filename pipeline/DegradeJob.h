#pragma once
// `hsi-fuse degrade`, Wald's protocol on files: from a real high-resolution HSI, write the LR HSI
// Y = (Z * k) down s + N and the HR MSI X = P Z (+ N) as georeferenced rasters, so any real cube becomes a test pair.
#include <string>
#include <vector>

#include "geo/RasterWriter.h"
#include "lib/core/Progress.h"

namespace hsifuse {

// As the user gives them; degradeFile checks and parses them.
struct DegradeOptions {
  std::string input;
  std::string srf;  // shipped name or CSV (curves or P)
  int scale = 0;
  std::string kernel = "ual8";  // lib/spatial/BlurKernel.h SPEC
  std::string snrDb = "inf";    // LR HSI noise: dB, or inf/none for no noise
  std::string msiSnrDb = "inf";
  std::string lrOut, msiOut;
  std::string truthOut;     // optional: the (resampled, cropped) reference Z
  std::string resampleTo;   // "" | FILE (its wavelengths) | NxA-B: spectral resampling first
  std::string wavelengths;  // --wavelengths for the input
  double minCoverage = 0.5;
  int seed = 0;
  WriteOptions write;
};

struct DegradeReport {
  int hrRows = 0, hrCols = 0, lrRows = 0, lrCols = 0, hsiBands = 0;
  std::vector<std::string> msiBands;
  std::vector<std::string> warnings;
  double lrNoiseSigma = 0, msiNoiseSigma = 0;
};

// Reads the whole input (the simulation is for test-sized cubes), crops it to a multiple of s, and writes the
// outputs atomically, all or none. Throws InputError/Error with the user-facing message.
DegradeReport degradeFile(const DegradeOptions& options, const ProgressFn& progress = {});

}  // namespace hsifuse
