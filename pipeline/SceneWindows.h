#pragma once
// A scene too large to hold (over fuse's --fit-area), read window by window from its files and brought to the scale
// of the part of it that fuse holds and fits on: invalid pixels filled with that part's band means, the LR HSI
// divided by its peak (and moved by the residual shift with --fix-shift), each MSI band times its gain. Reading a
// window of the held part this way gives the held cubes' values (tested). The first stage and the final pass read
// the whole scene through these sources, so their memory follows the tile, not the scene.
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "geo/RasterDataset.h"
#include "lib/core/PixelMask.h"
#include "lib/core/WindowSource.h"

namespace hsifuse {

// The most one strip of rows read from a file may hold (the LR HSI and the MSI have one each): MemoryPlan counts them.
inline constexpr double kSceneStripBytes = 64e6;

struct SceneReading {
  const RasterDataset* lr = nullptr;  // the files; they must outlive the sources
  const RasterDataset* msi = nullptr;
  std::vector<int> lrBands, msiBands;  // 0-based file bands in use
  Window lrWin, hrWin;                 // the scene in the files' pixels (hrWin = lrWin times scale)
  int scale = 1;
  std::vector<std::optional<double>> lrNodata, msiNodata;  // per band in use
  std::vector<float> lrFill, msiFill;                      // the values invalid pixels take, per band
  float peak = 1;                                          // the LR HSI is divided by it
  std::vector<double> gains;                               // per MSI band
  std::optional<std::pair<double, double>> lrShift;        // (dx, dy) in LR pixels, applied to the LR HSI
  const RasterDataset* msiMask = nullptr;                  // 1 where the MSI is left out (--mask-clouds), or none
};

// The MSI's valid pixels over `w` (in the scene's HR grid) of `cube`, read there: finite, not nodata, not masked.
PixelMask msiValidPixels(const SceneReading& reading, const Cube& cube, const Window& w);

// B x h x w windows of the scene's LR grid (lrWin's size) and b x H x W windows of its HR grid.
WindowSource lrSceneWindows(std::shared_ptr<const SceneReading> reading);
WindowSource hrSceneWindows(std::shared_ptr<const SceneReading> reading);

// The whole scene's masks (1 = valid; empty when every pixel is), in one pass over strips of both files: an HR
// pixel is valid when the MSI is and the LR pixel over it is.
struct SceneMasks {
  PixelMask lrValid, hrValid;
  std::size_t lrInvalid = 0, hrInvalid = 0;
};
SceneMasks sceneMasks(const SceneReading& reading);

}  // namespace hsifuse
