// Builds a large test scene from a small real cube: the cube mirrored and repeated to COLS x ROWS pixels,
// with a made-up georeferencing (EPSG:32631, 10 m, origin 500000 / 5000000) so `degrade` gives a
// georeferenced pair. For the HypSen-size benchmark (bench/hypsen_scale.sh).
//   tiled_scene IN OUT COLS ROWS
#include <cstdio>
#include <cstdlib>
#include <string>

#include "geo/GdalEnvironment.h"
#include "geo/RasterDataset.h"
#include "geo/RasterWriter.h"
#include "lib/spatial/Resampling.h"

using namespace hsifuse;

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: tiled_scene IN OUT COLS ROWS\n");
    return 2;
  }
  initGdal();
  const RasterDataset src = RasterDataset::open(argv[1]);
  const Cube small = src.read();
  const int cols = std::atoi(argv[3]), rows = std::atoi(argv[4]);
  RasterInfo layout = src.info();
  layout.width = cols;
  layout.height = rows;
  layout.crsWkt = "EPSG:32631";
  layout.geotransform = std::array<double, 6>{500000.0, 10.0, 0.0, 5000000.0, 0.0, -10.0};
  WriteOptions w;
  w.overwrite = true;
  RasterWriter writer(argv[2], layout, w);
  const int strip = 64;
  for (int r0 = 0; r0 < rows; r0 += strip) {
    const int h = std::min(strip, rows - r0);
    const Cube piece = mirrorTiled(small, {0, r0, cols, h});
    writer.writeWindow({0, r0, cols, h}, piece);
  }
  writer.commit();
  std::printf("wrote %s: %d x %d x %d\n", argv[2], cols, rows, small.bands);
  return 0;
}
