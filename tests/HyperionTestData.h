#pragma once
// An EO-1 Hyperion L1T product with the structure USGS ships (issue #13), built by the tests from the shipped example
// LR HSI (examples/hypsen/hypsen_lr_hyperion_30m.tif: 24 x 24 pixels, 128 Hyperion bands, EPSG:32631): 242 Int16
// GeoTIFFs EO1H1990262026001110PZ_B001_L1T.TIF ... _B242_L1T.TIF and an MTL file. Each Hyperion band takes the
// example band of the nearest centre, stored as DN = round(value x 10000); the top-left 2 x 2 pixels are fill (0).
// The reference stacks the same DNs by hand as the product means them: DN / 40 (bands 1-70) or DN / 80 (71-242),
// NaN for fill, with share/srf/eo1_hyperion_bands.csv's centres and FWHM.
// Header only: the test executables that include it link geo/ and GDAL.
#include <fmt/format.h>
#include <gdal_priv.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "GeoTestData.h"
#include "TestSupport.h"
#include "geo/GdalEnvironment.h"
#include "geo/RasterDataset.h"
#include "geo/RasterWriter.h"
#include "lib/spectral/HyperionPreset.h"

namespace hsifuse::test {

struct HyperionFixture {
  std::string folder;     // the L1T folder
  std::string mtl;        // its MTL file
  std::string reference;  // the 242 bands stacked by hand, in radiance
};

inline HyperionFixture writeHyperionL1t(const std::string& parent) {
  namespace fs = std::filesystem;
  initGdal();
  const std::string id = "EO1H1990262026001110PZ";
  const fs::path folder = fs::path(parent) / (id + "_1T");
  fs::create_directories(folder);
  const RasterDataset lr =
      RasterDataset::open(std::string(HSIFUSE_SOURCE_DIR) + "/examples/hypsen/hypsen_lr_hyperion_30m.tif");
  const RasterInfo& info = lr.info();
  const Cube y = lr.read();
  const HyperionBandTable table = HyperionBandTable::loadShipped();
  RasterInfo layout = info;
  layout.metadata.clear();
  layout.bands.assign(242, BandInfo{});
  Cube ref(242, y.rows, y.cols);
  for (int b = 0; b < 242; ++b) {
    int nearest = 0;
    for (int k = 1; k < y.bands; ++k)
      if (std::fabs(info.bands[k].spectral.wavelengthNm - table.bands[b].wavelengthNm) <
          std::fabs(info.bands[nearest].spectral.wavelengthNm - table.bands[b].wavelengthNm))
        nearest = k;
    std::vector<short> dn(y.planeSize());
    const double scale = b < 70 ? 1.0 / 40 : 1.0 / 80;
    for (std::size_t i = 0; i < dn.size(); ++i) {
      const bool fill = i / y.cols < 2 && i % y.cols < 2;
      dn[i] = fill ? 0 : static_cast<short>(std::clamp(std::round(double(y.band(nearest)[i]) * 10000), 1.0, 32767.0));
      ref.band(b)[i] = fill ? std::nanf("") : static_cast<float>(double(dn[i]) * scale);
    }
    GDALDataset* ds = GetGDALDriverManager()->GetDriverByName("GTiff")->Create(
        (folder / fmt::format("{}_B{:03d}_L1T.TIF", id, b + 1)).string().c_str(), y.cols, y.rows, 1, GDT_Int16,
        nullptr);
    ds->SetGeoTransform(const_cast<double*>(info.geotransform->data()));
    ds->SetProjection(info.crsWkt.c_str());
    if (ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, y.cols, y.rows, dn.data(), y.cols, y.rows, GDT_Int16, 0, 0,
                                       nullptr) != CE_None)
      throw std::runtime_error("fixture: cannot write a Hyperion band");
    GDALClose(ds);
    layout.bands[b].dataType = "Float32";
    layout.bands[b].spectral = table.bands[b];
  }
  const std::string mtl = (folder / (id + "_MTL_L1T.TXT")).string();
  std::ofstream(mtl)
      << "GROUP = L1_METADATA_FILE\n  GROUP = PRODUCT_METADATA\n    SENSOR_ID = \"HYPERION\"\n"
      << "    PRODUCT_TYPE = \"L1T\"\n  END_GROUP = PRODUCT_METADATA\nEND_GROUP = L1_METADATA_FILE\nEND\n";
  HyperionFixture out{folder.string(), mtl, (fs::path(parent) / "hyperion_reference.tif").string()};
  writeCube(out.reference, layout, ref);
  return out;
}

}  // namespace hsifuse::test
