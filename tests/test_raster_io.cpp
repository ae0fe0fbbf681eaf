#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>

#include "TestSupport.h"
#include "geo/BandSubset.h"
#include "geo/GdalEnvironment.h"
#include "geo/RasterDataset.h"
#include "geo/RasterWriter.h"
#include "lib/core/Error.h"

using namespace hsifuse;
using nlohmann::json;

namespace {

const std::string kHyperion = test::dataPath("hyperion_paris_16x16x128.tif");

// A small Float32 GTiff whose metadata the test sets through GDAL itself.
std::string makeRaster(const std::string& path, int bands, const std::function<void(GDALDataset&)>& decorate) {
  initGdal();
  GDALDriver* d = GetGDALDriverManager()->GetDriverByName("GTiff");
  GDALDataset* ds = d->Create(path.c_str(), 4, 3, bands, GDT_Float32, nullptr);
  for (int b = 1; b <= bands; ++b) ds->GetRasterBand(b)->Fill(b);
  decorate(*ds);
  GDALClose(ds);
  return path;
}

std::string messageOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(RasterRead, RealHyperionCropWithWavelengthsAndDescriptions) {
  auto ds = RasterDataset::open(kHyperion);
  const RasterInfo& info = ds.info();
  EXPECT_EQ(info.width, 16);
  EXPECT_EQ(info.height, 16);
  ASSERT_EQ(info.bandCount(), 128);
  EXPECT_EQ(info.bands[0].dataType, "Float64");
  EXPECT_TRUE(info.crsWkt.empty());
  EXPECT_FALSE(info.geotransform.has_value());
  EXPECT_NEAR(info.bands.front().spectral.wavelengthNm, 426.82, 1e-9);
  EXPECT_NEAR(info.bands.back().spectral.wavelengthNm, 2345.11, 1e-9);
  EXPECT_NEAR(info.bands.front().spectral.fwhmNm, 11.3871, 1e-9);
  EXPECT_EQ(info.bands[0].description, "Hyperion B8 (426.82 nm)");
  bool hasSensor = false;
  for (const auto& [k, v] : info.metadata.at("")) hasSensor |= k == "sensor" && v == "EO-1 Hyperion";
  EXPECT_TRUE(hasSensor);

  Cube all = ds.read();
  Cube win = ds.readWindow({3, 5, 4, 2}, {10, 0});
  ASSERT_EQ(win.bands, 2);
  EXPECT_EQ(win.at(0, 1, 2), all.at(10, 6, 5));
  EXPECT_EQ(win.at(1, 0, 0), all.at(0, 5, 3));
  EXPECT_GT(all.at(0, 0, 0), 0.0f);
  EXPECT_THROW(ds.readWindow({10, 10, 8, 8}), InputError);
  EXPECT_THROW(ds.readWindow({0, 0, 2, 2}, {128}), InputError);
}

TEST(RasterRead, MissingFileAndNotARasterNameTheFile) {
  test::TempDir dir;
  EXPECT_NE(messageOf([&] { RasterDataset::open(dir.path("nope.tif")); }).find("nope.tif: no such file"),
            std::string::npos);
  std::ofstream(dir.path("notes.txt")) << "not a raster\n";
  const std::string m = messageOf([&] { RasterDataset::open(dir.path("notes.txt")); });
  EXPECT_NE(m.find("notes.txt: not a raster"), std::string::npos) << m;
}

// Issue #13: GDAL dataset names that are not files open (no existence check first), and a container without bands
// lists its subdatasets.
TEST(RasterRead, DatasetNamesOpenAndContainersListTheirSubdatasets) {
  test::TempDir dir;
  EXPECT_TRUE(isGdalDatasetName("SENTINEL2_L1C:S2A.SAFE/MTD_MSIL1C.xml:10m:EPSG_32631"));
  EXPECT_TRUE(isGdalDatasetName("/vsizip/a.zip/b.tif"));
  EXPECT_FALSE(isGdalDatasetName("C:/data/a.tif"));  // a drive letter
  EXPECT_FALSE(isGdalDatasetName("scene:1.tif"));
  const RasterDataset page = RasterDataset::open("GTIFF_DIR:1:" + test::dataPath("hyperion_paris_16x16x128.tif"));
  EXPECT_EQ(page.info().bandCount(), 128);
  EXPECT_NE(messageOf([] { RasterDataset::open("GTIFF_DIR:1:/no/such/file.tif"); }).find("not a raster"),
            std::string::npos);
  // Two variables in one netCDF file: no bands, two subdatasets named in the message.
  GDALDriver* nc = GetGDALDriverManager()->GetDriverByName("netCDF");
  if (!nc) GTEST_SKIP() << "GDAL without the netCDF driver";
  {
    std::unique_ptr<GDALDataset> ds(nc->CreateMultiDimensional(dir.path("two.nc").c_str(), nullptr, nullptr));
    ASSERT_TRUE(ds);
    auto root = ds->GetRootGroup();
    std::vector<std::shared_ptr<GDALDimension>> dims{root->CreateDimension("y", "", "", 4, nullptr),
                                                     root->CreateDimension("x", "", "", 5, nullptr)};
    for (const char* name : {"red", "nir"})
      ASSERT_TRUE(root->CreateMDArray(name, dims, GDALExtendedDataType::Create(GDT_Float32), nullptr));
  }
  const std::string m = messageOf([&] { RasterDataset::open(dir.path("two.nc")); });
  EXPECT_NE(m.find("2 subdatasets"), std::string::npos) << m;
  EXPECT_NE(m.find(":red"), std::string::npos) << m;
  EXPECT_NE(m.find(":nir"), std::string::npos) << m;
}

TEST(Wavelengths, PerBandItemsInMicrometres) {
  test::TempDir dir;
  auto p = makeRaster(dir.path("um.tif"), 2, [](GDALDataset& ds) {
    ds.GetRasterBand(1)->SetMetadataItem("wavelength", "0.45");
    ds.GetRasterBand(2)->SetMetadataItem("wavelength", "0.55");
    ds.GetRasterBand(1)->SetMetadataItem("fwhm", "0.01");
    ds.GetRasterBand(2)->SetMetadataItem("fwhm", "0.02");
    for (int b = 1; b <= 2; ++b) ds.GetRasterBand(b)->SetMetadataItem("wavelength_units", "Micrometers");
  });
  auto info = readRasterInfo(p);
  EXPECT_NEAR(info.bands[1].spectral.wavelengthNm, 550, 1e-9);
  EXPECT_NEAR(info.bands[1].spectral.fwhmNm, 20, 1e-9);
}

TEST(Wavelengths, EnviDomainListsWithBbl) {
  test::TempDir dir;
  auto p = makeRaster(dir.path("envi.tif"), 3, [](GDALDataset& ds) {
    ds.SetMetadataItem("wavelength", "{400.5, 500.5, 600.5}", "ENVI");
    ds.SetMetadataItem("fwhm", "{10, 11, 12}", "ENVI");
    ds.SetMetadataItem("wavelength_units", "nanometers", "ENVI");
    ds.SetMetadataItem("bbl", "{1, 0, 1}", "ENVI");
  });
  auto info = readRasterInfo(p);
  EXPECT_NEAR(info.bands[2].spectral.wavelengthNm, 600.5, 1e-9);
  EXPECT_NEAR(info.bands[1].spectral.fwhmNm, 11, 1e-9);
  EXPECT_EQ(info.badBandList, (std::vector<int>{1, 0, 1}));
  EXPECT_NE(info.wavelengthSource.find("ENVI"), std::string::npos);
}

TEST(Wavelengths, ListOfTheWrongLengthIsAnError) {
  test::TempDir dir;
  auto p =
      makeRaster(dir.path("short.tif"), 3, [](GDALDataset& ds) { ds.SetMetadataItem("wavelength", "{400, 500}"); });
  EXPECT_NE(messageOf([&] { readRasterInfo(p); }).find("2 values for 3 bands"), std::string::npos);
}

TEST(Wavelengths, RealEnviHeaderFile) {
  test::TempDir dir;
  {
    std::ofstream raw(dir.path("cube.img"), std::ios::binary);
    std::vector<float> v(2 * 3 * 4, 1.5f);
    raw.write(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
    std::ofstream(dir.path("cube.hdr")) << "ENVI\nsamples = 4\nlines = 3\nbands = 2\nheader offset = 0\n"
                                           "file type = ENVI Standard\ndata type = 4\ninterleave = bsq\n"
                                           "byte order = 0\nwavelength units = Micrometers\n"
                                           "wavelength = {0.4268, 0.4370}\nfwhm = {0.0114, 0.0114}\nbbl = {1, 0}\n";
  }
  auto ds = RasterDataset::open(dir.path("cube.img"));
  EXPECT_EQ(ds.info().driver, "ENVI");
  EXPECT_NEAR(ds.info().bands[1].spectral.wavelengthNm, 437.0, 1e-6);
  EXPECT_NEAR(ds.info().bands[0].spectral.fwhmNm, 11.4, 1e-6);
  EXPECT_EQ(ds.info().badBandList, (std::vector<int>{1, 0}));
  EXPECT_FLOAT_EQ(ds.read().at(1, 2, 3), 1.5f);
}

TEST(Wavelengths, ImageryDomainItems) {
  test::TempDir dir;
  auto p = makeRaster(dir.path("imagery.tif"), 2, [](GDALDataset& ds) {
    ds.GetRasterBand(1)->SetMetadataItem("CENTRAL_WAVELENGTH_UM", "0.665", "IMAGERY");
    ds.GetRasterBand(2)->SetMetadataItem("CENTRAL_WAVELENGTH_UM", "0.842", "IMAGERY");
    ds.GetRasterBand(2)->SetMetadataItem("FWHM_UM", "0.115", "IMAGERY");
  });
  auto info = readRasterInfo(p);
  EXPECT_NEAR(info.bands[0].spectral.wavelengthNm, 665, 1e-9);
  EXPECT_FALSE(info.bands[0].spectral.hasFwhm());
  EXPECT_NEAR(info.bands[1].spectral.fwhmNm, 115, 1e-9);
}

// ENVI's 'Unknown' unit (issue #13): the values' size decides, as without a unit, and the file gets a warning.
TEST(Wavelengths, EnviUnknownUnitIsTakenByTheValuesSizeWithAWarning) {
  test::TempDir dir;
  for (const auto& [value, nm] : {std::pair{"0.65", 650.0}, std::pair{"650", 650.0}}) {
    auto p = makeRaster(dir.path(std::string("unknown") + value + ".tif"), 1, [&](GDALDataset& ds) {
      ds.GetRasterBand(1)->SetMetadataItem("wavelength", value);
      ds.SetMetadataItem("wavelength_units", "Unknown");
    });
    const RasterInfo info = readRasterInfo(p);
    EXPECT_NEAR(info.bands[0].spectral.wavelengthNm, nm, 1e-9) << value;
    EXPECT_NE(info.wavelengthWarning.find("'Unknown'"), std::string::npos) << info.wavelengthWarning;
    EXPECT_NE(info.wavelengthWarning.find(p), std::string::npos) << info.wavelengthWarning;
  }
}

TEST(RasterRead, EnviReflectanceScaleFactorIsTheBandScale) {
  // An ENVI cube stored as reflectance x 10000 (`reflectance scale factor = 10000`): GDAL's band scale 1e-4, so an
  // output keeps the meaning (and the factor is not copied a second time); a factor that is not a number is refused.
  test::TempDir dir;
  initGdal();
  auto makeEnvi = [&](const std::string& name, const std::string& factor) {
    GDALDataset* ds = GetGDALDriverManager()->GetDriverByName("ENVI")->Create(dir.path(name + ".img").c_str(), 4, 3, 2,
                                                                              GDT_Int16, nullptr);
    ds->GetRasterBand(1)->Fill(5000);
    GDALClose(ds);
    std::ofstream(dir.path(name + ".hdr"), std::ios::app) << "reflectance scale factor = " << factor << "\n";
    return dir.path(name + ".img");
  };
  const RasterInfo info = readRasterInfo(makeEnvi("refl", "10000"));
  ASSERT_EQ(info.bandCount(), 2);
  EXPECT_DOUBLE_EQ(info.bands[1].scale, 1e-4);
  const RasterDataset src = RasterDataset::open(dir.path("refl.img"));
  writeBandSubset(src, BandSelection{{0, 1}, {}}, dir.path("out.tif"), WriteOptions{});
  GDALDataset* out = GDALDataset::Open(dir.path("out.tif").c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY);
  ASSERT_NE(out, nullptr);
  EXPECT_DOUBLE_EQ(out->GetRasterBand(1)->GetScale(), 1e-4);
  EXPECT_EQ(out->GetMetadataItem("reflectance_scale_factor", "ENVI"), nullptr);
  GDALClose(out);
  const std::string bad = makeEnvi("bad", "ten");
  const std::string message = messageOf([&] { readRasterInfo(bad); });
  EXPECT_NE(message.find("reflectance scale factor"), std::string::npos) << message;
  EXPECT_NE(message.find(bad), std::string::npos) << message;
}

TEST(Wavelengths, UnknownUnitIsAnErrorNamingFileAndUnit) {
  test::TempDir dir;
  auto p = makeRaster(dir.path("furlong.tif"), 1, [](GDALDataset& ds) {
    ds.GetRasterBand(1)->SetMetadataItem("wavelength", "3");
    ds.GetRasterBand(1)->SetMetadataItem("wavelength_units", "furlongs");
  });
  const std::string m = messageOf([&] { readRasterInfo(p); });
  EXPECT_NE(m.find("furlong.tif"), std::string::npos) << m;
  EXPECT_NE(m.find("'furlongs'"), std::string::npos) << m;
}

TEST(Wavelengths, NoneThenFromAUserTable) {
  test::TempDir dir;
  auto p = makeRaster(dir.path("plain.tif"), 2, [](GDALDataset&) {});
  auto info = readRasterInfo(p);
  EXPECT_FALSE(info.hasWavelengths());
  const std::string m = messageOf([&] { info.requireWavelengths("the spectral response"); });
  EXPECT_NE(m.find("--wavelengths"), std::string::npos) << m;
  std::ofstream(dir.path("wl.csv")) << "wavelength_nm,fwhm_nm\n490,65\n560,35\n";
  auto withTable = readRasterInfo(p, {dir.path("wl.csv")});
  EXPECT_NEAR(withTable.bands[1].spectral.wavelengthNm, 560, 1e-12);
  EXPECT_NEAR(withTable.bands[0].spectral.fwhmNm, 65, 1e-12);
  std::ofstream(dir.path("wl3.csv")) << "wavelength_nm\n490\n560\n665\n";
  EXPECT_THROW(readRasterInfo(p, {dir.path("wl3.csv")}), InputError);
}

// Write a real cube with a CRS, geotransform and nodata added, read it back with our reader and
// with gdalinfo -json (an independent reader): every item survives.
TEST(RoundTrip, HyperionCubeKeepsEveryItem) {
  test::TempDir dir;
  auto src = RasterDataset::open(kHyperion);
  RasterInfo layout = src.info();
  OGRSpatialReference srs;
  srs.importFromEPSG(32631);
  char* wkt = nullptr;
  srs.exportToWkt(&wkt);
  layout.crsWkt = wkt;
  CPLFree(wkt);
  layout.geotransform = std::array<double, 6>{448000, 30, 0, 5414000, 0, -30};
  for (auto& b : layout.bands) b.nodata = -9999;
  const std::string out = dir.path("roundtrip.tif");
  Cube cube = src.read();
  {
    RasterWriter w(out, layout, WriteOptions{});
    w.writeWindow({0, 0, 16, 8}, src.readWindow({0, 0, 16, 8}));
    w.writeWindow({0, 8, 16, 8}, src.readWindow({0, 8, 16, 8}));
    w.commit();
  }
  EXPECT_EQ(dir.files(), std::vector<std::string>{"roundtrip.tif"});

  auto back = RasterDataset::open(out);
  const RasterInfo& r = back.info();
  ASSERT_EQ(r.bandCount(), 128);
  EXPECT_EQ(r.epsg, 32631);
  EXPECT_EQ(*r.geotransform, *layout.geotransform);
  EXPECT_EQ(r.bands[0].dataType, "Float32");
  for (int b = 0; b < 128; ++b) {
    EXPECT_EQ(r.bands[b].nodata, -9999.0);
    EXPECT_EQ(r.bands[b].description, layout.bands[b].description);
    EXPECT_NEAR(r.bands[b].spectral.wavelengthNm, layout.bands[b].spectral.wavelengthNm, 1e-4);
    EXPECT_NEAR(r.bands[b].spectral.fwhmNm, layout.bands[b].spectral.fwhmNm, 1e-4);
  }
  Cube again = back.read();
  EXPECT_EQ(again.data, cube.data);
  bool hasSensor = false;
  for (const auto& [k, v] : r.metadata.at("")) hasSensor |= k == "sensor" && v == "EO-1 Hyperion";
  EXPECT_TRUE(hasSensor);

  auto gi = test::runShell("gdalinfo -json -mdd all " + out);
  ASSERT_EQ(gi.exitCode, 0) << gi.err;
  json j = json::parse(gi.out);
  EXPECT_NE(j["coordinateSystem"]["wkt"].get<std::string>().find("32631"), std::string::npos);
  EXPECT_DOUBLE_EQ(j["geoTransform"][0].get<double>(), 448000);
  EXPECT_DOUBLE_EQ(j["geoTransform"][5].get<double>(), -30);
  const json& b5 = j["bands"][4];
  EXPECT_DOUBLE_EQ(b5["noDataValue"].get<double>(), -9999);
  EXPECT_EQ(b5["description"], layout.bands[4].description);
  EXPECT_NEAR(std::stod(b5["metadata"][""]["wavelength"].get<std::string>()), 467.52, 1e-3);
  EXPECT_EQ(b5["metadata"][""]["wavelength_units"], "nm");
  EXPECT_NEAR(std::stod(b5["metadata"][""]["fwhm"].get<std::string>()), 11.3871, 1e-3);
  EXPECT_NEAR(std::stod(b5["metadata"]["IMAGERY"]["CENTRAL_WAVELENGTH_UM"].get<std::string>()), 0.46752, 1e-6);
  const std::string envi = j["metadata"]["ENVI"]["wavelength"].get<std::string>();
  EXPECT_EQ(envi.front(), '{');
  EXPECT_NE(envi.find("2345.1100"), std::string::npos);
  EXPECT_EQ(j["metadata"][""]["sensor"], "EO-1 Hyperion");
}

TEST(RoundTrip, ByteRasterWithNodataAndCrsAsByte) {
  test::TempDir dir;
  auto src = RasterDataset::open(test::dataPath("rgb_byte_64x48.tif"));
  EXPECT_EQ(src.info().epsg, 32618);
  EXPECT_EQ(src.info().bands[0].nodata, 0.0);
  BandSelection all{{0, 1, 2}, {}};
  WriteOptions w;
  w.outputType = "Byte";
  w.creationOptions = {"COMPRESS=DEFLATE"};
  writeBandSubset(src, all, dir.path("rgb.tif"), w, {}, 7);
  auto back = RasterDataset::open(dir.path("rgb.tif"));
  EXPECT_EQ(back.info().epsg, 32618);
  EXPECT_EQ(back.info().bands[2].nodata, 0.0);
  EXPECT_EQ(back.info().bands[0].dataType, "Byte");
  EXPECT_EQ(back.read().data, src.read().data);
  EXPECT_EQ(*back.info().geotransform, *src.info().geotransform);
}

TEST(Writer, RefusesToOverwriteAndCleansUpWhenAbandoned) {
  test::TempDir dir;
  auto src = RasterDataset::open(test::dataPath("landsat8_oli_15x15x6.tif"));
  const std::string out = dir.path("l8.tif");
  { std::ofstream(out) << "keep me"; }
  const std::string m = messageOf([&] { RasterWriter(out, src.info(), WriteOptions{}); });
  EXPECT_NE(m.find("already exists"), std::string::npos) << m;
  EXPECT_NE(m.find("--overwrite"), std::string::npos) << m;
  {
    WriteOptions w;
    w.overwrite = true;
    RasterWriter abandoned(out, src.info(), w);
    abandoned.writeWindow({0, 0, 15, 15}, src.read());
    // no commit: the destructor removes the temporary and the old file stays
  }
  EXPECT_EQ(dir.files(), std::vector<std::string>{"l8.tif"});
  std::ifstream in(out);
  std::string content;
  std::getline(in, content);
  EXPECT_EQ(content, "keep me");
  WriteOptions w;
  w.overwrite = true;
  RasterWriter replace(out, src.info(), w);
  replace.writeWindow({0, 0, 15, 15}, src.read());
  replace.commit();
  EXPECT_EQ(readRasterInfo(out).bandCount(), 6);
}

TEST(Writer, UnwritableOutputsFailClearly) {
  auto src = RasterDataset::open(test::dataPath("landsat8_oli_15x15x6.tif"));
  EXPECT_THROW(RasterWriter("/nonexistent-folder/out.tif", src.info(), WriteOptions{}), InputError);
  // Even root cannot create files in sysfs: the GDAL Create failure itself is reported.
  EXPECT_THROW(RasterWriter("/sys/hsifuse-test.tif", src.info(), WriteOptions{}), Error);
  WriteOptions badDriver;
  badDriver.format = "NoSuchDriver";
  EXPECT_THROW(validateWriteOptions(badDriver), InputError);
  WriteOptions badType;
  badType.outputType = "Float128";
  EXPECT_THROW(validateWriteOptions(badType), InputError);
}

TEST(Writer, CogThroughATiledTemporaryAndEnviWithItsHeader) {
  test::TempDir dir;
  auto src = RasterDataset::open(kHyperion);
  BandSelection sel{{0, 1, 2, 127}, {}};
  WriteOptions cog;
  cog.format = "COG";
  cog.creationOptions = {"COMPRESS=DEFLATE"};
  writeBandSubset(src, sel, dir.path("out.tif"), cog);
  WriteOptions envi;
  envi.format = "ENVI";
  writeBandSubset(src, sel, dir.path("out.img"), envi);
  auto files = dir.files();
  std::sort(files.begin(), files.end());
  // ENVI keeps what its header cannot hold (IMAGERY items) in a .aux.xml sidecar; no temporary is left.
  EXPECT_EQ(files, (std::vector<std::string>{"out.hdr", "out.img", "out.img.aux.xml", "out.tif"}));

  auto c = RasterDataset::open(dir.path("out.tif"));
  EXPECT_EQ(c.info().bandCount(), 4);
  EXPECT_NEAR(c.info().bands[3].spectral.wavelengthNm, 2345.11, 1e-3);
  auto gi = test::runShell("gdalinfo -json " + dir.path("out.tif"));
  EXPECT_NE(gi.out.find("\"LAYOUT\":\"COG\""), std::string::npos);
  // GDAL 3.6's copy into a COG drops the bands' IMAGERY items and the ENVI lists; the writer puts them back in place
  // (geo/GdalMetadataTag.h), and GDAL's own validator still finds a valid COG.
  GDALDataset* cogDs = GDALDataset::Open(dir.path("out.tif").c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY);
  ASSERT_NE(cogDs, nullptr);
  const char* central = cogDs->GetRasterBand(4)->GetMetadataItem("CENTRAL_WAVELENGTH_UM", "IMAGERY");
  ASSERT_NE(central, nullptr);
  EXPECT_NEAR(std::stod(central), 2.34511, 1e-5);
  EXPECT_NE(cogDs->GetRasterBand(1)->GetMetadataItem("FWHM_UM", "IMAGERY"), nullptr);
  EXPECT_NE(cogDs->GetMetadataItem("wavelength", "ENVI"), nullptr);
  EXPECT_EQ(cogDs->GetMetadataItem("HSIFUSE_RESERVED"), nullptr);  // the room it kept is gone
  EXPECT_NE(cogDs->GetRasterBand(1)->GetMetadataItem("STATISTICS_MEAN"), nullptr);
  GDALClose(cogDs);
  const auto valid =
      test::runShell("/usr/bin/python3 -m osgeo_utils.samples.validate_cloud_optimized_geotiff " + dir.path("out.tif"));
  EXPECT_EQ(valid.exitCode, 0) << valid.out << valid.err;
  EXPECT_NE(valid.out.find("is a valid cloud optimized GeoTIFF"), std::string::npos) << valid.out << valid.err;
  auto e = RasterDataset::open(dir.path("out.img"));
  EXPECT_EQ(e.info().driver, "ENVI");
  EXPECT_NEAR(e.info().bands[3].spectral.wavelengthNm, 2345.11, 1e-3);
  Cube a = src.readWindow({0, 0, 16, 16}, {127}), b = e.readWindow({0, 0, 16, 16}, {3});
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_FLOAT_EQ(a.data[i], b.data[i]);
}

TEST(Writer, StatisticsFromThePixelsWrittenAndOverviewsOnRequest) {
  // Every output band gets GDAL's STATISTICS_* items (nodata and NaN left out); --overviews adds internal overviews
  // (factors 2 and 4 for a 600-pixel side).
  test::TempDir dir;
  RasterInfo layout;
  layout.width = 600;
  layout.height = 20;
  layout.bands.resize(2);
  for (BandInfo& b : layout.bands) b.dataType = "Float32", b.nodata = -1.0;
  Cube c(2, 20, 600);
  for (int r = 0; r < 20; ++r)
    for (int col = 0; col < 600; ++col) {
      c.at(0, r, col) = float(col % 10);           // 0..9: mean 4.5, stddev sqrt(8.25)
      c.at(1, r, col) = col < 300 ? 2.0f : -1.0f;  // half nodata
    }
  c.at(1, 0, 0) = std::nanf("");
  WriteOptions o;
  o.overviews = true;
  RasterWriter w(dir.path("s.tif"), layout, o);
  w.writeWindow({0, 0, 600, 10}, c.crop({0, 0, 600, 10}));
  w.writeWindow({0, 10, 600, 10}, c.crop({0, 10, 600, 10}));
  w.commit();
  GDALDataset* ds = GDALDataset::Open(dir.path("s.tif").c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY);
  ASSERT_NE(ds, nullptr);
  auto item = [&](int band, const char* key) { return std::stod(ds->GetRasterBand(band)->GetMetadataItem(key)); };
  EXPECT_DOUBLE_EQ(item(1, "STATISTICS_MINIMUM"), 0.0);
  EXPECT_DOUBLE_EQ(item(1, "STATISTICS_MAXIMUM"), 9.0);
  EXPECT_NEAR(item(1, "STATISTICS_MEAN"), 4.5, 1e-9);
  EXPECT_NEAR(item(1, "STATISTICS_STDDEV"), std::sqrt(8.25), 1e-6);
  EXPECT_NEAR(item(2, "STATISTICS_MEAN"), 2.0, 1e-9);
  EXPECT_NEAR(item(2, "STATISTICS_VALID_PERCENT"), 100.0 * 5999 / 12000, 1e-2);
  EXPECT_EQ(ds->GetRasterBand(1)->GetOverviewCount(), 2);
  EXPECT_EQ(ds->GetRasterBand(1)->GetOverview(1)->GetXSize(), 150);
  GDALClose(ds);
}

TEST(BandSubsetMetadata, PerBandListsAreSubsetToo) {
  auto info = readRasterInfo(kHyperion);
  auto sub = info.selectBands({0, 2});
  std::string numbers;
  for (const auto& [k, v] : sub.metadata.at(""))
    if (k == "hyperion_band_numbers") numbers = v;
  EXPECT_EQ(numbers, "8,10");
  EXPECT_EQ(sub.bandCount(), 2);
  EXPECT_NEAR(sub.bands[1].spectral.wavelengthNm, 447.17, 1e-9);
}
