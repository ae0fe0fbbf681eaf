#include "pipeline/DegradeJob.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>

#include "geo/RasterDataset.h"
#include "lib/core/AtomicOutput.h"
#include "lib/core/Error.h"
#include "lib/core/PixelMask.h"
#include "lib/core/Text.h"
#include "lib/spatial/BlurKernel.h"
#include "lib/spatial/Degradation.h"
#include "lib/spectral/BandSelection.h"
#include "lib/spectral/SpectralResampling.h"
#include "lib/spectral/SpectralResponse.h"

namespace hsifuse {
namespace {

double parseSnr(const std::string& s, const std::string& option) {
  if (s == "inf" || s == "none") return INFINITY;
  const double v = parseDouble(s, option);
  if (!(v > 0)) throw InputError(option + ": must be a positive number of dB, or 'inf' for no noise");
  return v;
}

void writeWhole(const std::string& path, const RasterInfo& layout, const Cube& cube, const WriteOptions& w) {
  RasterWriter writer(path, layout, w);
  writer.writeWindow({0, 0, cube.cols, cube.rows}, cube);
  writer.commit();
}

// The reference Z: read whole, resampled spectrally when asked, cropped to a multiple of s; `info` describes it.
Cube readTruth(const DegradeOptions& o, RasterInfo& info, std::vector<std::string>& warnings) {
  RasterDataset src = RasterDataset::open(o.input, OpenOptions{o.wavelengths});
  info = src.info();
  info.requireWavelengths("degrade (building P, resampling)");
  Cube z = src.read();
  // A band without a single valid value (a dead detector, a masked water band) has nothing to degrade, would make
  // every MSI band whose response overlaps it NaN and every resampled band too: it is left out of all outputs (the
  // reference too, so that eval compares the bands that were degraded), with a warning.
  const std::vector<int> empty = emptyBands(z, info.nodataValues());
  if (!empty.empty()) {
    std::vector<int> keep, listed;
    for (int b = 0; b < z.bands; ++b)
      if (std::find(empty.begin(), empty.end(), b) == empty.end()) keep.push_back(b);
    for (int b : empty) listed.push_back(b + 1);
    if (keep.empty()) throw InputError(o.input + ": no band holds a valid value (all nodata or NaN)");
    Cube kept(static_cast<int>(keep.size()), z.rows, z.cols);
    for (std::size_t k = 0; k < keep.size(); ++k)
      std::copy_n(z.band(keep[k]), z.planeSize(), kept.band(static_cast<int>(k)));
    z = std::move(kept);
    info = info.selectBands(keep);
    warnings.push_back(fmt::format("{}: band(s) {} hold no valid value (all nodata or NaN): left out of the outputs",
                                   o.input, formatIndexRanges(listed)));
  }
  if (!o.resampleTo.empty()) {
    const std::vector<SpectralBand> to = std::filesystem::exists(o.resampleTo)
                                             ? readRasterInfo(o.resampleTo).spectralBands()
                                             : parseBandGrid(o.resampleTo);
    z = projectSpectrally(z, resamplingMatrix(info.spectralBands(), to));
    RasterInfo resampled = info.selectBands(std::vector<int>(to.size(), 0));
    for (std::size_t t = 0; t < to.size(); ++t) {
      resampled.bands[t].spectral = to[t];
      resampled.bands[t].description = fmt::format("{:.1f} nm (resampled)", to[t].wavelengthNm);
      resampled.bands[t].metadata.clear();
    }
    // Per-band lists of the source no longer describe these bands.
    resampled.badBandList.clear();
    info = resampled;
  }
  const int rows = z.rows / o.scale * o.scale, cols = z.cols / o.scale * o.scale;
  if (rows == 0 || cols == 0)
    throw InputError(
        fmt::format("{}: {}x{} pixels is smaller than one LR pixel at --scale {}", o.input, z.cols, z.rows, o.scale));
  info.width = cols;
  info.height = rows;
  return z.crop({0, 0, cols, rows});
}

// LR: same origin, pixel s times larger (the sampling convention of lib/spatial/Degradation.h).
RasterInfo lrLayout(const RasterInfo& info, const Cube& y, int scale, const std::string& note) {
  RasterInfo lr = info;
  lr.width = y.cols;
  lr.height = y.rows;
  if (lr.geotransform)
    for (int k : {1, 2, 4, 5}) (*lr.geotransform)[k] *= scale;
  lr.metadata[""].emplace_back("hsifuse_simulation", note);
  return lr;
}

// MSI: one band per kept response, named, at the P-weighted mean wavelength.
RasterInfo msiLayout(const RasterInfo& info, const SpectralResponse& p, const std::string& note) {
  RasterInfo msi = info.selectBands(std::vector<int>(p.matrix().size(), 0));
  msi.badBandList.clear();
  const auto names = p.keptBandNames();
  for (std::size_t m = 0; m < names.size(); ++m) {
    double centre = 0;
    for (int b = 0; b < info.bandCount(); ++b) centre += p.matrix()[m][b] * info.bands[b].spectral.wavelengthNm;
    msi.bands[m].spectral = SpectralBand{centre, NAN};
    msi.bands[m].description = names[m];
    msi.bands[m].metadata.clear();
  }
  msi.metadata.clear();
  msi.metadata[""].emplace_back("hsifuse_simulation", note);
  return msi;
}

std::string snrText(double db) {
  return std::isfinite(db) ? fmt::format("{:g}", db) : "inf";
}

}  // namespace

DegradeReport degradeFile(const DegradeOptions& o, const ProgressFn& progress) {
  if (o.srf.empty()) throw InputError("--srf: required (e.g. --srf sentinel2a)");
  if (o.scale < 1) throw InputError("--scale: required, a positive integer");
  if (o.lrOut.empty() || o.msiOut.empty()) throw InputError("--lr-out and --msi-out are required");
  const BlurKernel kernel = BlurKernel::parse(o.kernel);
  const double lrSnr = parseSnr(o.snrDb, "--snr-db"), msiSnr = parseSnr(o.msiSnrDb, "--msi-snr-db");
  checkOutputs(
      {{o.lrOut, "--lr-out"}, {o.msiOut, "--msi-out"}, {o.truthOut, "--truth-out"}},
      {{o.input, "HR_HSI"}, {o.wavelengths, "--wavelengths"}, {o.srf, "--srf"}, {o.resampleTo, "--resample-to"}},
      o.write.overwrite);
  auto step = [&](double f, const char* stage) {
    if (progress && !progress(f, stage)) throw Interrupted();
  };
  RasterInfo info;
  std::vector<std::string> warnings;
  const Cube z = readTruth(o, info, warnings);
  step(0.2, "read");
  const SpectralResponse p = SpectralResponse::fromSpec(o.srf, info.spectralBands(), o.minCoverage);
  DegradeReport report;
  report.hrRows = z.rows;
  report.hrCols = z.cols;
  report.hsiBands = z.bands;
  report.msiBands = p.keptBandNames();
  report.warnings = warnings;
  report.warnings.insert(report.warnings.end(), p.warnings().begin(), p.warnings().end());
  const std::uint64_t seed = static_cast<std::uint64_t>(o.seed);
  Cube y = blurDownsample(z, kernel, o.scale);
  if (std::isfinite(lrSnr)) report.lrNoiseSigma = addNoiseAtSnr(y, lrSnr, seed);
  report.lrRows = y.rows;
  report.lrCols = y.cols;
  step(0.5, "degrade");
  Cube x = projectSpectrally(z, p.matrix());
  if (std::isfinite(msiSnr)) report.msiNoiseSigma = addNoiseAtSnr(x, msiSnr, seed + 1);
  step(0.6, "degrade");
  // All three outputs or none: a later write that fails (or a stop) takes the earlier ones with it.
  FilesToRemoveOnFailure written;
  writeWhole(o.lrOut,
             lrLayout(info, y, o.scale,
                      fmt::format("LR HSI: kernel {}x{}, scale {}, SNR {} dB, seed {}", kernel.rows, kernel.cols,
                                  o.scale, snrText(lrSnr), seed)),
             y, o.write);
  written.add(o.lrOut);
  step(0.8, "write");
  writeWhole(o.msiOut,
             msiLayout(info, p, fmt::format("HR MSI = P Z with P from {}, SNR {} dB", o.srf, snrText(msiSnr))), x,
             o.write);
  written.add(o.msiOut);
  if (!o.truthOut.empty()) writeWhole(o.truthOut, info, z, o.write);
  step(1.0, "write");
  written.keep();
  return report;
}

}  // namespace hsifuse
