#pragma once
// An EnMAP L2A product with the structure DLR ships (issue #13), built by the tests from the shipped example LR HSI
// (examples/hypsen/hypsen_lr_hyperion_30m.tif: 24 x 24 pixels, 128 bands, EPSG:32631): a folder NAME/ with
// NAME-SPECTRAL_IMAGE.TIF (Int16, 131 bands in wavelength order) and NAME-METADATA.XML (centre, FWHM, gain and offset
// per band; the channels of each detector, interleaved where they overlap; band statistics). The 128 example bands
// are stored as DN = round((value - offset) / gain), gain 1e-4, offset 0 or 0.01 on alternate bands, the top-left
// 3 x 3 pixels nodata (-32768); the VNIR detector has the first 61 and two more channels 1 nm above the first two
// SWIR channels (the detector overlap), the SWIR detector the rest and a no-data band at 2400 nm. The reference holds
// what the product means: the 128 example bands, DN x gain + offset, NaN for nodata.
#include <fmt/format.h>
#include <gdal_priv.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "GeoTestData.h"
#include "TestSupport.h"
#include "geo/GdalEnvironment.h"
#include "geo/RasterDataset.h"
#include "geo/RasterWriter.h"

namespace hsifuse::test {

struct EnmapFixture {
  std::string folder, metadata, reference;
};

inline EnmapFixture writeEnmapL2a(const std::string& parent) {
  namespace fs = std::filesystem;
  initGdal();
  const std::string name = "ENMAP01-____L2A-DT0000001867_20260101T104526Z_008_V010400_20260102T120000Z";
  const fs::path folder = fs::path(parent) / name;
  fs::create_directories(folder);
  const RasterDataset lr =
      RasterDataset::open(std::string(HSIFUSE_SOURCE_DIR) + "/examples/hypsen/hypsen_lr_hyperion_30m.tif");
  const RasterInfo& info = lr.info();
  const Cube y = lr.read();
  struct Entry {
    int source;       // example band stored
    double shiftNm;   // added to its centre (the overlap channels)
    bool vnir, kept;  // detector; whether the product means it to be used
  };
  std::vector<Entry> entries;
  for (int e = 0; e < y.bands; ++e) {
    entries.push_back({e, 0.0, e <= 60, true});
    if (e == 61 || e == 62) entries.push_back({e, 1.0, true, false});  // VNIR in the overlap
  }
  entries.push_back({y.bands - 1, 2400.0 - info.bands[y.bands - 1].spectral.wavelengthNm, false, false});  // no data
  const int bands = static_cast<int>(entries.size());
  GDALDataset* ds = GetGDALDriverManager()->GetDriverByName("GTiff")->Create(
      (folder / (name + "-SPECTRAL_IMAGE.TIF")).string().c_str(), y.cols, y.rows, bands, GDT_Int16, nullptr);
  ds->SetGeoTransform(const_cast<double*>(info.geotransform->data()));
  ds->SetProjection(info.crsWkt.c_str());
  std::string table, stats, vnir, swir;
  RasterInfo layout = info;
  layout.metadata.clear();
  Cube ref(y.bands, y.rows, y.cols);
  for (int b = 0; b < bands; ++b) {
    const Entry& en = entries[b];
    const double gain = 1e-4, offset = b % 2 ? 0.01 : 0.0;
    const bool noData = b == bands - 1;
    std::vector<short> dn(y.planeSize());
    for (std::size_t i = 0; i < dn.size(); ++i) {
      const bool fill = noData || (i / y.cols < 3 && i % y.cols < 3);
      dn[i] = fill ? -32768 : static_cast<short>(std::lround((y.band(en.source)[i] - offset) / gain));
      if (en.kept) ref.band(en.source)[i] = fill ? std::nanf("") : static_cast<float>(double(dn[i]) * gain + offset);
    }
    if (ds->GetRasterBand(b + 1)->RasterIO(GF_Write, 0, 0, y.cols, y.rows, dn.data(), y.cols, y.rows, GDT_Int16, 0, 0,
                                           nullptr) != CE_None)
      throw std::runtime_error("fixture: cannot write an EnMAP band");
    const SpectralBand& s = info.bands[en.source].spectral;
    table += fmt::format(
        "      <bandID number=\"{}\"><wavelengthCenterOfBand>{:.4f}</wavelengthCenterOfBand><FWHMOfBand>{:.4f}"
        "</FWHMOfBand><GainOfBand>{}</GainOfBand><OffsetOfBand>{}</OffsetOfBand></bandID>\n",
        b + 1, s.wavelengthNm + en.shiftNm, s.fwhmNm, gain, offset);
    stats += fmt::format("      <bandID number=\"{}\"><mean>{}</mean><stdDeviation>{}</stdDeviation></bandID>\n", b + 1,
                         noData ? "-1000000" : "0.25", noData ? "0" : "0.05");
    std::string& list = en.vnir ? vnir : swir;
    list += (list.empty() ? "" : ",") + std::to_string(b + 1);
  }
  GDALClose(ds);
  const std::string metadata = (folder / (name + "-METADATA.XML")).string();
  std::ofstream(metadata) << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<level_X>\n  <specific>\n"
                          << "    <bandCharacterisation>\n"
                          << table << "    </bandCharacterisation>\n"
                          << "    <vnirProductQuality><expectedChannelsList>" << vnir
                          << "</expectedChannelsList></vnirProductQuality>\n"
                          << "    <swirProductQuality><expectedChannelsList>" << swir
                          << "</expectedChannelsList></swirProductQuality>\n  </specific>\n  <product>\n"
                          << "    <bandStatistics>\n"
                          << stats << "    </bandStatistics>\n  </product>\n</level_X>\n";
  for (BandInfo& b : layout.bands) b.dataType = "Float32";
  EnmapFixture out{folder.string(), metadata, (fs::path(parent) / "enmap_reference.tif").string()};
  writeCube(out.reference, layout, ref);
  return out;
}

}  // namespace hsifuse::test
