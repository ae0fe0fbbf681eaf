#pragma once
// What an output of `fuse` was made from, as one line of JSON written into it (metadata item hsifuse_provenance): the
// hsi-fuse version, each input file's name, size and modification time, and every option that shapes the pixels.
// --skip-existing compares it with the output's to leave a finished, up-to-date output alone (issue #15, archives).
#include <string>

#include "geo/RasterInfo.h"

namespace hsifuse {

struct FuseOptions;

inline constexpr const char* kProvenanceItem = "hsifuse_provenance";

// Not the memory budget, the device or the thread count: they are not meant to change the pixels.
std::string fuseProvenance(const FuseOptions& o);
// The provenance recorded in a raster ("" when it has none).
std::string recordedProvenance(const RasterInfo& info);

}  // namespace hsifuse
