#pragma once
// A real cube from tests/data scaled as the quality code scales it, shared by the test files of the quality and
// estimation components (header only: their executable links pipeline/QualityJob and geo/).
#include <string>
#include <vector>

#include "TestSupport.h"
#include "geo/GdalEnvironment.h"
#include "geo/RasterDataset.h"
#include "pipeline/QualityJob.h"

namespace hsifuse::test {

struct Scene {
  Cube cube;  // [0, 1]
  std::vector<SpectralBand> bands;
};

// The cube divided by its max - min (the paper's normalisation, pipeline/QualityJob.h), with its bands.
inline Scene loadScene(const std::string& path) {
  initGdal();
  const RasterDataset ds = RasterDataset::open(path);
  Scene s{ds.read(), ds.info().spectralBands()};
  s.cube.scale(static_cast<float>(normalisationFactor(s.cube, "paper", {}, "test")));
  return s;
}

}  // namespace hsifuse::test
