#pragma once
// `hsi-fuse apply DIR LR_HSI HR_MSI OUTPUT --block I/N` (issue #15): one block of the output of the `fuse` run that
// saved DIR (--save-adaptation), computed in its own process: the inputs are checked against DIR's checksums, read
// and scaled as fuse did, the first stage recomputed on fuse's own tiles, and the adapted module applied on the
// final pass's tiles of the block, so a block equals the same rows of the one-process output bit for bit. Blocks
// are whole rows of tiles; written separately, they mosaic with gdalbuildvrt.
#include <string>

#include "geo/RasterWriter.h"
#include "lib/core/Progress.h"
#include "lib/core/Window.h"

namespace hsifuse {

struct ApplyOptions {
  std::string dir, lrPath, msiPath, outPath;
  std::string block = "1/1";  // I/N: block I of N (1-based)
  std::string device = "cpu";
  double scaleTo = 0;  // as fuse --scale-to
  WriteOptions write;
};

struct ApplyReport {
  int block = 1, blocks = 1;
  Window window;  // the block on the output grid (HR pixels)
  int tiles = 0;
};

// Throws InputError: DIR not a saved adaptation, inputs that differ from those it was made on, a --block that does
// not exist; and what writing OUTPUT throws.
ApplyReport applyAdaptation(const ApplyOptions& options, const ProgressFn& progress = {}, const LogFn& log = {});

// "I/N" with 1 <= I <= N; InputError naming --block otherwise.
std::pair<int, int> parseBlock(const std::string& text);

}  // namespace hsifuse
