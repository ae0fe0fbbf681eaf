#include "geo/InMemoryVrt.h"

#include <cpl_string.h>
#include <cpl_vsi.h>
#include <fmt/format.h>
#include <gdal_priv.h>

#include <array>
#include <atomic>

#include "lib/core/Error.h"

namespace hsifuse {

std::string xmlEscaped(const std::string& text) {
  char* e = CPLEscapeString(text.c_str(), -1, CPLES_XML);
  std::string out(e);
  CPLFree(e);
  return out;
}

std::string vrtGeoreferencing(GDALDataset& ds) {
  std::string xml;
  if (const OGRSpatialReference* srs = ds.GetSpatialRef()) {
    char* wkt = nullptr;
    srs->exportToWkt(&wkt);
    if (wkt) xml += fmt::format("  <SRS>{}</SRS>\n", xmlEscaped(wkt));
    CPLFree(wkt);
  }
  std::array<double, 6> gt{};
  if (ds.GetGeoTransform(gt.data()) == CE_None)
    xml += fmt::format("  <GeoTransform>{:.17g}, {:.17g}, {:.17g}, {:.17g}, {:.17g}, {:.17g}</GeoTransform>\n", gt[0],
                       gt[1], gt[2], gt[3], gt[4], gt[5]);
  return xml;
}

std::string vrtScaledBand(const VrtScaledBand& b) {
  return fmt::format(
      "  <VRTRasterBand dataType=\"Float32\" band=\"{}\">\n"
      "    <Description>{}</Description>\n"
      "    <NoDataValue>{}</NoDataValue>\n"
      "    <Metadata>{}</Metadata>\n"
      "    <ComplexSource{}>\n"
      "      <SourceFilename relativeToVRT=\"0\">{}</SourceFilename>\n"
      "      <SourceBand>{}</SourceBand>\n"
      "{}"
      "      <NODATA>{:g}</NODATA>\n"
      "      <ScaleOffset>{:.17g}</ScaleOffset>\n"
      "      <ScaleRatio>{:.17g}</ScaleRatio>\n"
      "    </ComplexSource>\n"
      "  </VRTRasterBand>\n",
      b.index, xmlEscaped(b.description), b.nodata, b.metadata, b.rects.empty() ? "" : " resampling=\"nearest\"",
      xmlEscaped(b.file), b.sourceBand, b.rects, b.sourceNodata, b.offset, b.ratio);
}

std::string vrtWavelengthItems(double wavelengthNm, double fwhmNm) {
  return fmt::format(
      "<MDI key=\"wavelength\">{:.4f}</MDI><MDI key=\"fwhm\">{:.4f}</MDI><MDI key=\"wavelength_units\">nm</MDI>",
      wavelengthNm, fwhmNm);
}

std::string writeInMemoryVrt(const std::string& stem, const std::string& xml) {
  static std::atomic<int> counter{0};
  const std::string name = fmt::format("/vsimem/hsifuse/{}.{}.vrt", stem, counter.fetch_add(1));
  VSILFILE* f = VSIFOpenL(name.c_str(), "wb");
  if (!f || VSIFWriteL(xml.data(), 1, xml.size(), f) != xml.size()) {
    if (f) VSIFCloseL(f);
    throw Error(name + ": cannot write the product's VRT");
  }
  VSIFCloseL(f);
  return name;
}

}  // namespace hsifuse
