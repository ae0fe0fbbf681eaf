#pragma once
// Cubes from tests/data read through geo/, shared by the test files that need them (header only: the test
// executables that include it link geo/).
#include <algorithm>

#include "TestSupport.h"
#include "geo/RasterDataset.h"
#include "geo/RasterWriter.h"

namespace hsifuse::test {

// The real 48x48x128 Hyperion crop, scaled to [0, 1] by max - min as UAL normalises.
inline Cube hyperionCube() {
  Cube z = RasterDataset::open(dataPath("hyperion_paris_48x48x128_f32.tif")).read();
  float lo = z.data[0], hi = z.data[0];
  for (float v : z.data) lo = std::min(lo, v), hi = std::max(hi, v);
  for (float& v : z.data) v /= (hi - lo);
  return z;
}

// `cube` written whole to a GeoTIFF at `path` with `layout` (the references the product fixtures are compared with).
inline void writeCube(const std::string& path, const RasterInfo& layout, const Cube& cube) {
  RasterWriter w(path, layout, WriteOptions{});
  w.writeWindow({0, 0, cube.cols, cube.rows}, cube);
  w.commit();
}

}  // namespace hsifuse::test
