#pragma once
// Where fuse's result goes: the output GeoTIFF's layout (on the MSI grid, in the HSI's units, with its bands and
// metadata), the tiles on their way into it, and what is computed from the finished output (the report's
// no-reference quality) and written beside it (quicklook, kernel CSV and PNG).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "geo/RasterWriter.h"
#include "lib/core/AtomicOutput.h"
#include "lib/core/Cube.h"
#include "lib/core/PixelMask.h"
#include "lib/core/WindowSource.h"
#include "lib/spatial/BlurKernel.h"

namespace hsifuse {

struct FuseOptions;
struct FuseScene;
struct MemoryPlan;

// The output's layout: `hsi`'s bands on `msi`'s grid over `hrWin`; pixels without a valid input are nodata (the
// HSI's own value, else NaN, 0 for integer types), which `nodataValue` receives.
RasterInfo outputLayout(const FuseOptions& o, const RasterInfo& hsi, const RasterInfo& msi, const FuseScene& scene,
                        float& nodataValue);

// Where the fused tiles go, in the order the method produces them: back to the HSI's units, nodata where no input
// pixel was valid, into the output writer. On the way the tiles leave behind what the end of the job needs from the
// whole output: the window the quality section scores (normalised units, before nodata) and the quicklook bands.
class OutputTiles {
 public:
  // The quality window follows memory.qualityPixels when o asks for a report; the quicklook bands when it asks for one.
  OutputTiles(const FuseOptions& o, const RasterInfo& layout, const FuseScene& scene, const MemoryPlan& memory,
              float nodataValue);
  // One block of the output (hsi-fuse apply): `layout` describes `block` of the output grid, the tiles arrive in
  // output-grid coordinates; no quality window, no quicklook.
  OutputTiles(const FuseOptions& o, const RasterInfo& layout, const FuseScene& scene, float nodataValue,
              const Window& block, int tile);
  WindowSink sink() {
    return [this](const Window& w, const Cube& z) { put(w, z); };
  }
  // OUTPUT in place (RasterWriter::commit).
  void commit() { writer_.commit(); }
  const Window& qualityWindow() const { return qualityWindow_; }
  // Hands over the quality window's cube (normalised units) and the quicklook bands (3 x rows x cols).
  Cube takeQuality() { return std::move(quality_); }
  const Cube& rgbBands() const { return rgbBands_; }
  const std::vector<int>& rgb() const { return rgb_; }

 private:
  void put(const Window& w, const Cube& z);

  RasterWriter writer_;
  float peak_;
  const PixelMask& hrValid_;
  float nodataValue_;
  int cols_;
  Window block_;          // the part of the output grid this writer holds (origin subtracted from every tile)
  Window qualityWindow_;  // empty when no report is asked for
  Cube quality_;          // allocated with the first tile (after the adaptation's training)
  std::vector<int> rgb_;  // quicklook bands, empty when none is asked for
  Cube rgbBands_;
};

// The report's "quality": the NR score of the output's quality window and QNR/HQNR against the inputs (with the kernel
// UAL estimated, else the MTF-matched Gaussian); QNR is left out when the inputs have nodata. `line` gets the log line.
nlohmann::json qualitySection(const Cube& z, const Window& window, const FuseScene& scene, const RasterInfo& hsi,
                              const std::optional<BlurKernel>& estimatedKernel, std::string& line,
                              const ProgressFn& progress);

// The quicklook PNG, the kernel CSV and PNG that o asks for; each is added to `written` (all or nothing) and named
// in `report`.
void writeSideOutputs(const FuseOptions& o, const OutputTiles& tiles, const RasterInfo& hsi, const RasterInfo& layout,
                      const std::optional<BlurKernel>& kernel, FilesToRemoveOnFailure& written, nlohmann::json& report);

}  // namespace hsifuse
