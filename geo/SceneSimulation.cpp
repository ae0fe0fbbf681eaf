#include "geo/SceneSimulation.h"

#include <fmt/format.h>

#include <cmath>

#include "geo/RasterDataset.h"
#include "lib/core/AtomicOutput.h"
#include "lib/spatial/Degradation.h"
#include "lib/core/Error.h"
#include "lib/spectral/SpectralResampling.h"
#include "lib/spectral/SpectralResponse.h"

namespace hsifuse {
namespace {

void writeWhole(const std::string& path, const RasterInfo& layout, const Cube& cube, const WriteOptions& w) {
  RasterWriter writer(path, layout, w);
  writer.writeWindow({0, 0, cube.cols, cube.rows}, cube);
  writer.commit();
}

}  // namespace

SimulationReport simulatePair(const SimulationOptions& o, const ProgressFn& progress) {
  if (o.scale < 1) throw InputError("--scale: must be a positive integer");
  if (o.lrOut.empty() || o.msiOut.empty()) throw InputError("--lr-out and --msi-out: both outputs are required");
  checkOutputs({{o.lrOut, "--lr-out"}, {o.msiOut, "--msi-out"}, {o.truthOut, "--truth-out"}},
               {{o.input, "HR_HSI"}, {o.wavelengthTable, "--wavelengths"}, {o.srf, "--srf"}}, o.write.overwrite);
  auto step = [&](double f, const char* stage) {
    if (progress && !progress(f, stage)) throw Interrupted();
  };

  RasterDataset src = RasterDataset::open(o.input, OpenOptions{o.wavelengthTable});
  RasterInfo info = src.info();
  info.requireWavelengths("degrade (building P, resampling)");
  Cube z = src.read();
  step(0.2, "read");

  if (o.resampleTo) {
    const auto w = resamplingMatrix(info.spectralBands(), *o.resampleTo);
    z = projectSpectrally(z, w);
    RasterInfo resampled = info.selectBands(std::vector<int>(o.resampleTo->size(), 0));
    for (std::size_t t = 0; t < o.resampleTo->size(); ++t) {
      resampled.bands[t].spectral = (*o.resampleTo)[t];
      resampled.bands[t].description = fmt::format("{:.1f} nm (resampled)", (*o.resampleTo)[t].wavelengthNm);
      resampled.bands[t].metadata.clear();
    }
    // Per-band lists of the source no longer describe these bands.
    resampled.badBandList.clear();
    info = resampled;
  }

  const int rows = z.rows / o.scale * o.scale, cols = z.cols / o.scale * o.scale;
  if (rows == 0 || cols == 0)
    throw InputError(fmt::format("{}: {}x{} pixels is smaller than one LR pixel at --scale {}", o.input, z.cols, z.rows,
                                 o.scale));
  z = z.crop({0, 0, cols, rows});
  info.width = cols;
  info.height = rows;

  SpectralResponse p = SpectralResponse::fromSpec(o.srf, info.spectralBands(), o.minCoverage);
  SimulationReport report;
  report.hrRows = rows;
  report.hrCols = cols;
  report.hsiBands = z.bands;
  report.msiBands = p.keptBandNames();
  report.warnings = p.warnings();

  Cube y = blurDownsample(z, o.kernel, o.scale);
  if (std::isfinite(o.lrSnrDb)) report.lrNoiseSigma = addNoiseAtSnr(y, o.lrSnrDb, o.seed);
  report.lrRows = y.rows;
  report.lrCols = y.cols;
  step(0.5, "degrade");
  Cube x = projectSpectrally(z, p.matrix());
  if (std::isfinite(o.msiSnrDb)) report.msiNoiseSigma = addNoiseAtSnr(x, o.msiSnrDb, o.seed + 1);
  step(0.6, "degrade");

  // LR: same origin, pixel s times larger (the sampling convention of lib/spatial/Degradation.h).
  RasterInfo lr = info;
  lr.width = y.cols;
  lr.height = y.rows;
  if (lr.geotransform)
    for (int k : {1, 2, 4, 5}) (*lr.geotransform)[k] *= o.scale;
  auto& lrMd = lr.metadata[""];
  lrMd.emplace_back("hsifuse_simulation",
                    fmt::format("LR HSI: kernel {}x{}, scale {}, SNR {} dB, seed {}", o.kernel.rows, o.kernel.cols,
                                o.scale, std::isfinite(o.lrSnrDb) ? fmt::format("{:g}", o.lrSnrDb) : "inf", o.seed));
  // All three outputs or none: a later write that fails (or a stop) takes the earlier ones with it.
  FilesToRemoveOnFailure written;
  writeWhole(o.lrOut, lr, y, o.write);
  written.add(o.lrOut);
  step(0.8, "write");

  // MSI: one band per kept response, named, at the P-weighted mean wavelength.
  RasterInfo msi = info.selectBands(std::vector<int>(p.matrix().size(), 0));
  msi.badBandList.clear();
  const auto names = p.keptBandNames();
  for (std::size_t m = 0; m < names.size(); ++m) {
    double centre = 0;
    for (int b = 0; b < z.bands; ++b) centre += p.matrix()[m][b] * info.bands[b].spectral.wavelengthNm;
    msi.bands[m].spectral = SpectralBand{centre, NAN};
    msi.bands[m].description = names[m];
    msi.bands[m].metadata.clear();
  }
  msi.metadata.clear();
  msi.metadata[""].emplace_back("hsifuse_simulation",
                                fmt::format("HR MSI = P Z with P from {}, SNR {} dB", o.srf,
                                            std::isfinite(o.msiSnrDb) ? fmt::format("{:g}", o.msiSnrDb) : "inf"));
  writeWhole(o.msiOut, msi, x, o.write);
  written.add(o.msiOut);
  if (!o.truthOut.empty()) writeWhole(o.truthOut, info, z, o.write);
  step(1.0, "write");
  written.keep();
  return report;
}

}  // namespace hsifuse
