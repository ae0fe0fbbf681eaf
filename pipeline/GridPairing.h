#pragma once
// How fuse puts the LR HSI on the MSI's grid: plain grids pair at their corner; georeferenced ones over their
// overlap, in whole LR pixels, the LR HSI warped onto an MSI-aligned grid first (geo/Coregistration.h) when the
// CRSs differ or its grid is off the MSI pixel corners.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "geo/RasterDataset.h"
#include "lib/core/AtomicOutput.h"
#include "lib/core/Window.h"

namespace hsifuse {

struct FuseOptions;

// What pairing the grids decided: the scale, the LR window and the HR window of the overlap (whole LR
// pixels), the report's "grids" entry and a line for the log ("" when there is nothing to say).
struct GridPairing {
  int scale = 0;
  Window lrWin, hrWin;
  nlohmann::json grids;
  std::string note;
};

// Uses o.scale (0: from the grids), o.assumeAligned, o.resampling and the paths for messages. When a warp is
// needed, lrDs is reopened on the warped VRT, which `warped` owns (its name carries `stamp`).
// The area of interest of o (--srcwin or --projwin) as a window of MSI pixels; none when neither is given.
std::optional<Window> areaOfInterest(const FuseOptions& o, const RasterInfo& msi);
// Keeps the whole LR pixels of `pairing` that lie inside `area` (MSI pixels); InputError when fewer than 2 x 2 remain.
void restrictToArea(GridPairing& pairing, const Window& area);

GridPairing pairGrids(const FuseOptions& o, RasterDataset& lrDs, const RasterInfo& msiInfo, TemporaryFile& warped,
                      long long stamp);

}  // namespace hsifuse
