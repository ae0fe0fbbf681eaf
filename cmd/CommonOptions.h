#pragma once
// Option groups that several subcommands share, declared once here.
#include <string>
#include <vector>

#include "cmd/OptionTable.h"
#include "geo/RasterWriter.h"
#include "lib/spectral/BandSelection.h"

namespace hsifuse {

struct BandFilterOptions {
  std::string bands;            // --bands
  std::string dropBands;        // --drop-bands
  std::string dropWavelengths;  // --drop-wavelengths
  bool useBbl = false;          // --use-bbl
  std::string preset;           // --preset
  std::string wavelengths;      // --wavelengths CSV

  void declare(OptionTable& table);
  BandFilter toFilter() const;  // throws InputError on bad syntax
};

struct OutputOptions {
  std::string format = "GTiff";  // --of
  std::vector<std::string> co;   // --co
  std::string outputType;        // --ot ("" = the command's default)
  bool overwrite = false;        // --overwrite
  bool overviews = false;        // --overviews

  void declare(OptionTable& table, const std::string& typeDefault);
  WriteOptions toWriteOptions(const std::string& defaultType) const;
};

// --device and --num-threads of the commands that run networks.
struct DeviceOptions {
  std::string device = "auto";
  int threads = 0;
  void declare(OptionTable& table);
  // Sets the LibTorch threads and returns the resolved device ("cpu", "cuda:0", ...).
  std::string apply() const;
};

}  // namespace hsifuse
