#include "cmd/CommonOptions.h"

#include <algorithm>
#include <iostream>

#include "cmd/Command.h"
#include "cmd/ProgressPrinter.h"
#include "lib/core/Error.h"
#include "lib/core/Text.h"

namespace hsifuse {

LogFn CommonOptions::log() const {
  if (quiet) return {};
  return [](const std::string& m) {
    endProgressLine();  // a message never lands in the middle of a progress line
    std::cerr << m << "\n";
  };
}

void declareCommonOptions(OptionTable& table, CommonOptions& common) {
  table.flag("quiet", 'q', &common.quiet, "No progress and no warnings on stderr.")
      .flag("progress", 0, &common.progress,
            "Show progress on stderr, also with --quiet (which then silences only the warnings and messages).")
      .repeated("config", &common.config, "KEY=VALUE", "Set a GDAL configuration option.")
      .repeated("oo", &common.openOptions, "KEY=VALUE",
                "Open the input rasters with this GDAL dataset open option (as gdal_translate -oo).")
      .flag("debug", 0, &common.debug, "Let errors through as exceptions (for developers).")
      .flag("help", 'h', &common.help, "Show this help.");
}

void BandFilterOptions::declare(OptionTable& table) {
  table.text("bands", &bands, "RANGES", "Keep only these 1-based bands, e.g. 8-57,77-224.")
      .text("drop-bands", &dropBands, "RANGES", "Drop these 1-based bands, e.g. 1-7,58-76.")
      .text("drop-wavelengths", &dropWavelengths, "RANGES",
            "Drop bands whose centre lies in these ranges, in nm, e.g. 1340-1460,1790-1960.")
      .flag("use-bbl", 0, &useBbl, "Drop the bands the file's ENVI bad-band list (bbl) marks 0.")
      .text("preset", &preset, "NAME",
            "Band preset: hyperion (EO-1 Hyperion uncalibrated bands and water absorption 1330-1490, 1775-1990 nm).")
      .text("wavelengths", &wavelengths, "CSV",
            "Band centres (and FWHM) in nm for the (first) input, one row per band: wavelength_nm[,fwhm_nm].");
}

BandFilter BandFilterOptions::toFilter() const {
  BandFilter f;
  if (!bands.empty()) f.keep = parseIndexRanges(bands, "--bands");
  if (!dropBands.empty()) f.drop = parseIndexRanges(dropBands, "--drop-bands");
  if (!dropWavelengths.empty()) f.dropWavelengths = parseWavelengthRanges(dropWavelengths, "--drop-wavelengths");
  f.useBadBandList = useBbl;
  if (!preset.empty() && preset != "hyperion")
    throw InputError("--preset: unknown preset '" + preset + "' (known: hyperion)");
  f.preset = preset;
  return f;
}

void OutputOptions::declare(OptionTable& table, const std::string& typeDefault) {
  table.text("of", &format, "FORMAT", "Output GDAL driver (GTiff, COG, ENVI, ...).")
      .repeated("co", &co, "KEY=VALUE", "GDAL creation option.")
      .text("ot", &outputType, "TYPE",
            "Output data type (Byte, UInt16, Int16, Float32, ...); default: " + typeDefault + ".")
      .flag("overviews", 0, &overviews,
            "GeoTIFF: add internal overviews (average, halving until the larger side is at most 256 pixels), for "
            "fast display in a GIS. A COG has them without it.")
      .flag("overwrite", 0, &overwrite, "Replace the output if it exists.");
}

WriteOptions OutputOptions::toWriteOptions(const std::string& defaultType) const {
  WriteOptions w;
  w.format = format;
  // --co A=1 --co B=2, and also --co A=1,B=2 (a list some users write): split where every part is KEY=VALUE.
  for (const std::string& item : co) {
    const std::vector<std::string> parts = split(item, ',');
    const bool list = parts.size() > 1 && std::all_of(parts.begin(), parts.end(), [](const std::string& p) {
                        return p.find('=') != std::string::npos;
                      });
    if (list)
      w.creationOptions.insert(w.creationOptions.end(), parts.begin(), parts.end());
    else
      w.creationOptions.push_back(item);
  }
  w.outputType = outputType.empty() ? defaultType : outputType;
  w.overwrite = overwrite;
  w.overviews = overviews;
  validateWriteOptions(w);
  return w;
}

}  // namespace hsifuse
