#pragma once
// `hsi-fuse info`: what a scene holds, how two scenes relate, and the spectral response matrix P between them, as
// one JSON document and as text for people.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "lib/spectral/BandSelection.h"
#include "lib/spectral/SpectralResponse.h"

namespace hsifuse {

struct InfoOptions {
  std::string file;
  std::string file2;  // the HR MSI of the same place ("" = none)
  std::string srf;    // "" = no P
  double minCoverage = kDefaultMinCoverage;
  std::string pOut;  // P written as CSV ("" = not written)
  bool overwrite = false;
  BandFilter bands;         // the HSI bands P is built for
  std::string wavelengths;  // --wavelengths for FILE
};

struct InfoReport {
  nlohmann::json doc;                 // what --json prints
  std::string text;                   // what is printed otherwise
  std::vector<std::string> warnings;  // for stderr
};

// Everything is gathered before anything is returned: a failing step leaves only its exception.
InfoReport describeFiles(const InfoOptions& options);

}  // namespace hsifuse
