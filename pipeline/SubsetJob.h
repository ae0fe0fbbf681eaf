#pragma once
// `hsi-fuse subset`: the kept bands of a scene (bad and water bands dropped) written with all georeferencing and
// metadata.
#include <string>

#include "geo/RasterWriter.h"
#include "lib/core/Progress.h"
#include "lib/spectral/BandSelection.h"

namespace hsifuse {

struct SubsetOptions {
  std::string input, output;
  BandFilter bands;
  std::string wavelengths;  // --wavelengths for the input
  WriteOptions write = keepingInputType();

  // The default: the input's data type (an empty outputType).
  static WriteOptions keepingInputType() {
    WriteOptions w;
    w.outputType.clear();
    return w;
  }
};

struct SubsetReport {
  int total = 0;
  BandSelection selection;
};

// `log` gets the line naming the kept and dropped bands before the write starts.
SubsetReport subsetFile(const SubsetOptions& options, const ProgressFn& progress = {}, const LogFn& log = {});

}  // namespace hsifuse
