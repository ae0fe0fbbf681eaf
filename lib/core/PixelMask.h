#pragma once
// Which pixels of a cube hold data: the masks the jobs build from nodata and NaN, and what they do with them
// (fill before the methods run, combine across inputs and scales, trim a warped footprint to its full part).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "lib/core/Cube.h"
#include "lib/core/Window.h"

namespace hsifuse {

// One flag per pixel (rows * cols, row-major): 1 = valid. An empty mask means every pixel is valid.
using PixelMask = std::vector<std::uint8_t>;

bool allValid(const PixelMask& m);
// 1 where every band is finite and differs from its band's nodata value (bands past `nodata`'s end have none).
PixelMask validPixels(const Cube& cube, const std::vector<std::optional<double>>& nodata);
// The bands (0-based) that hold no valid value at all (every pixel NaN, infinite or the band's nodata value).
std::vector<int> emptyBands(const Cube& cube, const std::vector<std::optional<double>>& nodata);
// The pixels (of rows x cols) whose every band holds exactly `value`: fill that no nodata value declares.
std::size_t countPixelsEqualTo(const Cube& cube, float value);
// Each band's mean over the valid pixels (all pixels for an empty mask; 0 where none is valid).
std::vector<float> bandMeansOver(const Cube& cube, const PixelMask& valid);
// Every invalid pixel of band b set to values[b] (nothing for an empty mask).
void fillInvalid(Cube& cube, const PixelMask& valid, const std::vector<float>& values);
// Replaces the invalid pixels of every band by the mean of its valid pixels; returns the number of valid pixels.
std::size_t fillInvalidWithBandMeans(Cube& cube, const PixelMask& valid);
// Both masks at once (a pixel is valid when it is valid in both); empty when every pixel is valid.
PixelMask combineMasks(const PixelMask& a, const PixelMask& b);
// The HR mask `hr` (rows x cols) with every pixel also cleared whose LR pixel (r / s, c / s) in `lr`
// (lrCols wide) is invalid. Both must be full masks (not empty).
PixelMask withLrMask(PixelMask hr, int cols, const PixelMask& lr, int lrCols, int scale);
// The LR mask `lr` (rows x lrCols; empty: all valid) with every LR pixel also cleared that has an invalid HR pixel
// under it in `hr` (lrCols * scale wide; empty: all valid). Empty when every pixel is valid.
PixelMask withHrMask(PixelMask lr, int lrCols, const PixelMask& hr, int scale);
// Whether every pixel of `w` is invalid in `mask` (of a grid `cols` wide); false for an empty mask (all valid).
bool allInvalid(const PixelMask& mask, int cols, const Window& w);
// The largest window left after trimming border rows and columns that hold a NaN (greedily, the side with
// the most NaN pixels first); empty when no NaN-free window remains.
Window nanFreeInterior(const Cube& y);

// Valid-pixel counts of any window in constant time (a summed-area table of the mask), for samplers that must
// land on data: the adaptation draws its patches where the scene holds data, and sizes its steps by that area.
class ValidArea {
 public:
  // `mask` is rows x cols (row-major), or empty: every pixel valid.
  ValidArea(const PixelMask& mask, int rows, int cols);
  std::size_t count() const { return total_; }
  std::size_t count(const Window& w) const;
  double fraction(const Window& w) const;  // 0 for an empty window

 private:
  int rows_, cols_;
  std::size_t total_;
  std::vector<std::size_t> sums_;  // (rows + 1) x (cols + 1); empty when every pixel is valid
};

}  // namespace hsifuse
