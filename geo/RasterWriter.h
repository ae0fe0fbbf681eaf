#pragma once
// Creates a raster with the layout and metadata of a RasterInfo (georeferencing, nodata,
// descriptions, scale/offset, wavelengths in every convention, the source's other metadata),
// receives pixels window by window, and puts the file in place only when everything succeeded:
// it writes under a temporary name in the target folder, checks the final GDALClose, and renames.
// Drivers that can only CreateCopy (COG, PNG, ...) get a tiled GeoTIFF first, then a copy.
// Destroying a writer that was not committed removes the temporary file(s). Every band gets GDAL's STATISTICS_* items
// from the values written; a COG keeps every metadata domain of the layout (geo/GdalMetadataTag.h).
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "geo/RasterInfo.h"
#include "lib/core/Cube.h"
#include "lib/core/Progress.h"
#include "lib/core/Window.h"

class GDALDataset;

namespace hsifuse {

struct WriteOptions {
  std::string format = "GTiff";              // --of: any GDAL raster driver that can Create or CreateCopy
  std::vector<std::string> creationOptions;  // --co KEY=VALUE
  std::string outputType = "Float32";        // --ot: GDAL data type name
  bool overwrite = false;                    // --overwrite
  // The side of the tiles the writer will receive, aligned to it (0: unknown). A tiled GeoTIFF gets blocks of this
  // side when it is a multiple of 16 and --co sets none: each block is then written once, whole. With GDAL's 256
  // blocks, a band-interleaved scene's row of blocks outgrew GDAL's cache, partly written blocks were flushed and
  // compressed again later, and the file grew by the stale copies (a 6.1 GB mosaic scene became 7.8 GB).
  int blockSize = 0;
  // --overviews: a GeoTIFF gets internal overviews (average; 2, 4, ... until the larger side is at most 256 pixels).
  // The COG driver makes its own.
  bool overviews = false;
};

// What the writer gathers of each band while the pixels pass, for the STATISTICS_* items.
struct BandStatistics {
  double minimum = INFINITY, maximum = -INFINITY, sum = 0, sumSquares = 0;
  std::size_t count = 0;  // valid values (finite, not the band's nodata)
};

class RasterWriter {
 public:
  // Checks the output path (exists without --overwrite, folder missing or unwritable), the driver
  // and the type (InputError), then creates the temporary raster (Error on failure).
  RasterWriter(std::string path, const RasterInfo& layout, WriteOptions options);
  RasterWriter(const RasterWriter&) = delete;
  RasterWriter& operator=(const RasterWriter&) = delete;
  ~RasterWriter();

  // `cube` holds all output bands over `window`.
  void writeWindow(const Window& window, const Cube& cube);
  // Closes (checked), converts for CreateCopy-only drivers, renames into place.
  void commit(const ProgressFn& progress = {});

  const std::string& path() const { return path_; }

 private:
  int alignedBlockSide() const;  // WriteOptions::blockSize where it applies, else 0
  void abandon() noexcept;
  void accumulateStatistics(const Cube& cube);

  std::string path_;
  std::string tempPath_;  // what is being written
  std::string copyPath_;  // CreateCopy target for CreateCopy-only drivers
  WriteOptions options_;
  RasterInfo layout_;
  GDALDataset* ds_ = nullptr;
  bool committed_ = false;
  std::vector<BandStatistics> statistics_;
};

// Checks the --of/--ot/--co values without creating anything (InputError when bad).
void validateWriteOptions(const WriteOptions& options);

}  // namespace hsifuse
