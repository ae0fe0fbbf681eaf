#pragma once
// A Sentinel-2 product with the structure ESA ships (issue #13), built by the tests from the shipped example MSI
// (examples/hypsen/hypsen_msi_s2_10m.tif: 72 x 72 pixels at 10 m, 11 Sentinel-2A bands in reflectance, EPSG:32631),
// so the suite carries no product of its own. Each band is stored as a real product stores it: DN = round(reflectance
// x 10000) + 1000 (the offset of processing baseline 04.00) in a lossless UInt16 JPEG 2000 at its native resolution
// (20 m bands as 2 x 2 block means, 60 m bands as 6 x 6), DN 0 (NODATA) over the top-left 6 x 6 pixels of B2, DN 65535
// (SATURATED) at pixel (40, 40) of B3, and the
// product metadata lists the files, the quantification value, the offsets and the special values:
//   L1C: NAME.SAFE/MTD_MSIL1C.xml, GRANULE/<id>/IMG_DATA/T31UDQ_20260101T104000_B02.jp2
//   L2A: NAME.SAFE/MTD_MSIL2A.xml, GRANULE/<id>/IMG_DATA/R10m/T31UDQ_20260101T104000_B02_10m.jp2 (+ R20m, R60m), and
//        the scene classification R20m/..._SCL_20m.jp2: vegetation (4) with a 6 x 6 cloud (9), 12 x 12 pixels at 10 m
// Header only: the test executables that include it link geo/ and GDAL.
#include <cpl_vsi.h>
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

struct Sentinel2Fixture {
  std::string safe;       // the .SAFE folder
  std::string reference;  // B2, B3, B4, B8 stacked by hand from the same DNs: (DN - 1000) / 10000, NaN for 0, 65535
  int nodataCorner = 6;   // the top-left square of B2 at DN 0 (HR pixels)
};

inline const std::string& exampleMsiPath() {
  static const std::string p = std::string(HSIFUSE_SOURCE_DIR) + "/examples/hypsen/hypsen_msi_s2_10m.tif";
  return p;
}

// The reflectance as the VRT of geo/Sentinel2Product.h computes it.
inline float reflectanceOf(unsigned dn) {
  return dn == 0 || dn == 65535 ? std::nanf("") : static_cast<float>(double(dn) * (1.0 / 10000) + (-1000.0 / 10000));
}

inline Sentinel2Fixture writeSentinel2Safe(const std::string& folder, const std::string& level) {
  namespace fs = std::filesystem;
  initGdal();
  const bool l2a = level == "L2A";
  const std::string name = fmt::format("S2A_MSI{}_20260101T104000_N0400_R008_T31UDQ_20260101T120000", level);
  const fs::path safe = fs::path(folder) / (name + ".SAFE");
  const std::string granule = fmt::format("{}_T31UDQ_A000001_20260101T104000", level);
  const RasterDataset msi = RasterDataset::open(exampleMsiPath());
  const RasterInfo& info = msi.info();
  const Cube x = msi.read();
  const auto& gt = *info.geotransform;
  auto native = [](const std::string& band) {
    if (band == "B2" || band == "B3" || band == "B4" || band == "B8") return 1;
    if (band == "B1" || band == "B9" || band == "B10") return 6;
    return 2;
  };
  // One band as a product stores it: lossless JPEG 2000 at `factor` times the MSI's pixel size, georeferenced.
  auto writeJp2 = [&](const std::string& relative, int cols, int rows, int factor, GDALDataType type,
                      const void* data) {
    fs::create_directories((safe / relative).parent_path());
    GDALDataset* mem = GetGDALDriverManager()->GetDriverByName("MEM")->Create("", cols, rows, 1, type, nullptr);
    double g[6] = {gt[0], gt[1] * factor, 0, gt[3], 0, gt[5] * factor};
    mem->SetGeoTransform(g);
    mem->SetProjection(info.crsWkt.c_str());
    if (mem->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, cols, rows, const_cast<void*>(data), cols, rows, type, 0, 0,
                                        nullptr) != CE_None)
      throw std::runtime_error("fixture: cannot fill " + relative);
    const char* options[] = {"REVERSIBLE=YES", "QUALITY=100", nullptr};
    GDALDataset* jp2 = GetGDALDriverManager()
                           ->GetDriverByName("JP2OpenJPEG")
                           ->CreateCopy(((safe / relative).string() + ".jp2").c_str(), mem, FALSE,
                                        const_cast<char**>(options), nullptr, nullptr);
    if (!jp2) throw std::runtime_error("fixture: cannot write " + relative + ".jp2");
    GDALClose(jp2);
    GDALClose(mem);
  };
  std::string files, offsets;
  std::vector<std::vector<unsigned>> tenMetre;  // B2, B3, B4, B8 DNs, for the reference
  for (int b = 0; b < x.bands; ++b) {
    const std::string band = info.bands[b].description;
    const int f = native(band), rows = x.rows / f, cols = x.cols / f;
    std::vector<unsigned short> dn(static_cast<std::size_t>(rows) * cols);
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < cols; ++c) {
        double sum = 0;
        for (int u = 0; u < f; ++u)
          for (int v = 0; v < f; ++v) sum += x.at(b, r * f + u, c * f + v);
        const double value = std::round(sum / (f * f) * 10000) + 1000;
        dn[static_cast<std::size_t>(r) * cols + c] = static_cast<unsigned short>(std::clamp(value, 1.0, 65534.0));
        if (band == "B2" && r < 6 && c < 6) dn[static_cast<std::size_t>(r) * cols + c] = 0;
        if (band == "B3" && r == 40 && c == 40) dn[static_cast<std::size_t>(r) * cols + c] = 65535;   // saturated
        if (band == "B11" && r == 10 && c == 10) dn[static_cast<std::size_t>(r) * cols + c] = 65535;  // at 20 m
      }
    if (f == 1) tenMetre.emplace_back(dn.begin(), dn.end());
    const std::string fileBand = band.size() == 2 ? "B0" + band.substr(1) : band;  // B2 -> B02, B8A stays
    const std::string res = fmt::format("{}m", 10 * f);
    const std::string relative =
        l2a ? fmt::format("GRANULE/{}/IMG_DATA/R{}/T31UDQ_20260101T104000_{}_{}", granule, res, fileBand, res)
            : fmt::format("GRANULE/{}/IMG_DATA/T31UDQ_20260101T104000_{}", granule, fileBand);
    writeJp2(relative, cols, rows, f, GDT_UInt16, dn.data());
    files += fmt::format("            <IMAGE_FILE>{}</IMAGE_FILE>\n", relative);
  }
  if (l2a) {  // the scene classification at 20 m: vegetation (4), with a 6 x 6 cloud (9) at rows 10-15, columns 20-25
    const std::string relative = fmt::format("GRANULE/{}/IMG_DATA/R20m/T31UDQ_20260101T104000_SCL_20m", granule);
    std::vector<unsigned char> scl(36 * 36, 4);
    for (int r = 10; r < 16; ++r)
      for (int c = 20; c < 26; ++c) scl[r * 36 + c] = 9;
    writeJp2(relative, 36, 36, 2, GDT_Byte, scl.data());
    files += fmt::format("            <IMAGE_FILE>{}</IMAGE_FILE>\n", relative);
  }
  for (int id = 0; id < 13; ++id)
    offsets += fmt::format("        <{} band_id=\"{}\">-1000</{}>\n", l2a ? "BOA_ADD_OFFSET" : "RADIO_ADD_OFFSET", id,
                           l2a ? "BOA_ADD_OFFSET" : "RADIO_ADD_OFFSET");
  const std::string root = l2a ? "Level-2A_User_Product" : "Level-1C_User_Product";
  std::ofstream(safe / (l2a ? "MTD_MSIL2A.xml" : "MTD_MSIL1C.xml"))
      << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << fmt::format("<n1:{} xmlns:n1=\"https://psd-14.sentinel2.eo.esa.int/PSD/User_Product_Level-{}.xsd\">\n", root,
                     l2a ? "2A" : "1C")
      << "  <n1:General_Info>\n    <Product_Info>\n      <PROCESSING_BASELINE>04.00</PROCESSING_BASELINE>\n"
      << "      <Datatake datatakeIdentifier=\"GS2A_20260101T104000_000001_N04.00\">\n"
      << "        <SPACECRAFT_NAME>Sentinel-2A</SPACECRAFT_NAME>\n      </Datatake>\n"
      << "      <Product_Organisation>\n        <Granule_List>\n"
      << fmt::format("          <Granule granuleIdentifier=\"{}\" imageFormat=\"JPEG2000\">\n", granule) << files
      << "          </Granule>\n        </Granule_List>\n      </Product_Organisation>\n    </Product_Info>\n"
      << "    <Product_Image_Characteristics>\n"
      << "      <Special_Values><SPECIAL_VALUE_TEXT>NODATA</SPECIAL_VALUE_TEXT>"
         "<SPECIAL_VALUE_INDEX>0</SPECIAL_VALUE_INDEX></Special_Values>\n"
      << "      <Special_Values><SPECIAL_VALUE_TEXT>SATURATED</SPECIAL_VALUE_TEXT>"
         "<SPECIAL_VALUE_INDEX>65535</SPECIAL_VALUE_INDEX></Special_Values>\n"
      << (l2a ? "      <QUANTIFICATION_VALUES_LIST><BOA_QUANTIFICATION_VALUE unit=\"none\">10000"
                "</BOA_QUANTIFICATION_VALUE></QUANTIFICATION_VALUES_LIST>\n      <BOA_ADD_OFFSET_VALUES_LIST>\n"
              : "      <QUANTIFICATION_VALUE unit=\"none\">10000</QUANTIFICATION_VALUE>\n"
                "      <Radiometric_Offset_List>\n")
      << offsets << (l2a ? "      </BOA_ADD_OFFSET_VALUES_LIST>\n" : "      </Radiometric_Offset_List>\n")
      << "    </Product_Image_Characteristics>\n  </n1:General_Info>\n"
      << fmt::format("</n1:{}>\n", root);
  // The reference: the four 10 m bands stacked by hand, in reflectance.
  RasterInfo layout = info.selectBands({1, 2, 3, 7});
  layout.metadata.clear();
  Cube ref(4, x.rows, x.cols);
  for (int k = 0; k < 4; ++k)
    for (std::size_t i = 0; i < ref.planeSize(); ++i) ref.band(k)[i] = reflectanceOf(tenMetre[k][i]);
  Sentinel2Fixture out{safe.string(), (fs::path(folder) / (level + "_reference.tif")).string()};
  writeCube(out.reference, layout, ref);
  return out;
}

// The same tree zipped as ESA distributes it (NAME.zip holding NAME.SAFE/...), through GDAL's /vsizip/ writer.
inline std::string zipSentinel2Safe(const std::string& safe) {
  namespace fs = std::filesystem;
  const fs::path root(safe);
  const std::string zip = (root.parent_path() / (root.stem().string() + ".zip")).string();
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    const std::string inside = root.filename().string() + "/" + fs::relative(e.path(), root).string();
    std::ifstream in(e.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    VSILFILE* f = VSIFOpenL(("/vsizip/" + zip + "/" + inside).c_str(), "wb");
    if (!f || VSIFWriteL(bytes.data(), 1, bytes.size(), f) != bytes.size())
      throw std::runtime_error("fixture: cannot zip " + inside);
    VSIFCloseL(f);
  }
  return zip;
}

}  // namespace hsifuse::test
