#include "pipeline/QualityJob.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <tuple>

#include "geo/GridRelation.h"
#include "geo/RasterDataset.h"
#include "lib/core/AtomicOutput.h"
#include "lib/core/Error.h"
#include "lib/core/MemoryCeiling.h"
#include "lib/core/ShareDir.h"
#include "lib/core/Text.h"
#include "lib/quality/Metrics.h"
#include "lib/spatial/BlurKernel.h"
#include "lib/spectral/SpectralResponse.h"
#include "pipeline/JsonNumbers.h"

namespace hsifuse {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Pixel-wise metrics do not depend on where a pixel lies: the valid pixels of both cubes as one row.
std::pair<Cube, Cube> validPixelRows(const Cube& g, const Cube& f, const PixelMask& valid) {
  std::size_t n = 0;
  for (std::uint8_t v : valid) n += v != 0;
  Cube a(g.bands, 1, static_cast<int>(n)), b(g.bands, 1, static_cast<int>(n));
  for (int k = 0; k < g.bands; ++k) {
    std::size_t j = 0;
    for (std::size_t i = 0; i < g.planeSize(); ++i)
      if (valid[i]) {
        a.band(k)[j] = g.band(k)[i];
        b.band(k)[j] = f.band(k)[i];
        ++j;
      }
  }
  return {std::move(a), std::move(b)};
}

Cube singleBand(const Cube& c, int b) {
  Cube out(1, c.rows, c.cols);
  std::copy_n(c.band(b), c.planeSize(), out.data.begin());
  return out;
}

// The panchromatic weights of the score: the mean of the chosen MSI responses over the cube's bands.
std::pair<std::vector<double>, std::string> panWeights(const std::vector<SpectralBand>& bands, const std::string& srf,
                                                       const std::string& panBands) {
  std::vector<double> uniform(bands.size(), 1.0 / std::max<std::size_t>(bands.size(), 1));
  if (!allHaveWavelengths(bands)) return {uniform, "uniform (the cube has no wavelengths)"};
  SpectralResponse p;
  try {
    p = SpectralResponse::fromSpec(srf, bands);
  } catch (const InputError& e) {
    return {uniform, fmt::format("uniform ({})", e.what())};
  }
  std::vector<std::string> wanted;
  for (const std::string& s : split(panBands, ','))
    if (!trim(s).empty()) wanted.push_back(trim(s));
  const std::vector<std::string> names = p.keptBandNames();
  std::vector<double> w(bands.size(), 0.0);
  std::vector<std::string> used;
  for (std::size_t m = 0; m < names.size(); ++m) {
    if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), names[m]) == wanted.end()) continue;
    for (std::size_t b = 0; b < bands.size(); ++b) w[b] += p.matrix()[m][b];
    used.push_back(names[m]);
  }
  if (used.empty()) return {uniform, fmt::format("uniform (none of {} covered by the cube)", panBands)};
  return {w, fmt::format("mean of {} {}", srf, fmt::join(used, ","))};
}

const PristineModel& loadModel(const std::string& path, PristineModel& storage) {
  storage = PristineModel::fromJson(readTextFile(path, "score model"), path);
  return storage;
}

// eval and score hold whole cubes (a few copies each): a raster whose size comes from a header must fit in this
// machine's memory before anything is allocated, or the run would end in std::bad_alloc or the OOM killer.
void requireFitsInMemory(const RasterInfo& info, const Window& window, std::size_t bands) {
  requireMemory(4.0 * double(window.width) * window.height * bands, 3,
                fmt::format("{}: {} x {} x {} values", info.path, window.width, window.height, bands));
}

// Reads a raster with its mask of valid pixels.
std::pair<Cube, PixelMask> readWithMask(const RasterDataset& ds, const Window& window,
                                        const std::vector<int>& bands = {}) {
  requireFitsInMemory(ds.info(), window,
                      bands.empty() ? static_cast<std::size_t>(ds.info().bandCount()) : bands.size());
  Cube c = ds.readWindow(window, bands);
  RasterInfo info = bands.empty() ? ds.info() : ds.info().selectBands(bands);
  PixelMask m = validPixels(c, info.nodataValues());
  return {std::move(c), std::move(m)};
}

Window whole(const RasterInfo& i) {
  return {0, 0, i.width, i.height};
}

// The offset (in `coarse` pixels) of `fine`'s origin on `coarse`'s grid, as (row, col); throws when it is not whole.
std::pair<int, int> originOffset(const RasterInfo& fine, const RasterInfo& coarse) {
  const std::optional<GridOffset> o = originOnGrid(fine, coarse);
  if (!o)
    throw InputError(fmt::format("{} or {} has a rotated grid: warp both north-up first", fine.path, coarse.path));
  if (!o->whole)
    throw InputError(
        fmt::format("{} and {} are not aligned (offset {:.3f}, {:.3f} pixels): resample one onto the other's grid",
                    fine.path, coarse.path, o->col, o->row));
  return {o->wholeRow, o->wholeCol};
}

}  // namespace

double normalisationFactor(const Cube& reference, const std::string& mode, const PixelMask& valid,
                           const std::string& option) {
  if (mode == "none") return 1.0;
  if (mode == "paper") {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (int b = 0; b < reference.bands; ++b)
      for (std::size_t i = 0; i < reference.planeSize(); ++i)
        if (valid.empty() || valid[i])
          lo = std::min<double>(lo, reference.band(b)[i]), hi = std::max<double>(hi, reference.band(b)[i]);
    return hi > lo ? 1.0 / (hi - lo) : 1.0;
  }
  const double v = parseDouble(mode, option);
  if (!(v > 0)) throw InputError(fmt::format("{} must be paper, none or a positive number", option));
  return 1.0 / v;
}

// ---------------------------------------------------------------------------------------------------
// eval

EvalResult evaluateFiles(const EvalOptions& o, const ProgressFn& progress) {
  checkOutputs({{o.perBandPath, "--per-band"}}, {{o.reference, "REFERENCE"}, {o.estimate, "ESTIMATE"}}, o.overwrite);
  const auto step = [&](double f) {
    if (progress && !progress(f, "eval")) throw Interrupted();
  };
  const RasterDataset ref = RasterDataset::open(o.reference), est = RasterDataset::open(o.estimate);
  const RasterInfo &a = ref.info(), &b = est.info();
  if (a.width != b.width || a.height != b.height || a.bandCount() != b.bandCount())
    throw InputError(fmt::format("{} is {}x{}x{} but {} is {}x{}x{} (columns x rows x bands)", o.reference, a.width,
                                 a.height, a.bandCount(), o.estimate, b.width, b.height, b.bandCount()));
  if (!o.assumeAligned && a.geotransform && b.geotransform) {
    for (int k = 0; k < 6; ++k)
      if (std::fabs((*a.geotransform)[k] - (*b.geotransform)[k]) >
          1e-6 * std::max(1.0, std::fabs((*a.geotransform)[k])))
        throw InputError("the two grids differ (geotransform): compare on the same grid, or pass --assume-aligned");
    relateGrids(a, b);  // CRS on one side only is an error
  }
  auto [g, gMask] = readWithMask(ref, whole(a));
  auto [f, fMask] = readWithMask(est, whole(b));
  const PixelMask valid = combineMasks(gMask, fMask);
  step(0.1);

  EvalResult r;
  r.totalPixels = g.planeSize();
  r.validPixels = valid.empty() ? g.planeSize() : static_cast<std::size_t>(std::count(valid.begin(), valid.end(), 1));
  if (r.validPixels == 0)
    throw InputError(
        fmt::format("{} and {} have no pixel that is valid in both (nodata or NaN)", o.reference, o.estimate));
  r.normalisation = normalisationFactor(g, o.normalise, valid, "--normalise");
  for (Cube* c : {&g, &f})
    for (float& v : c->data) v = static_cast<float>(v * r.normalisation);
  for (int k = 0; k < g.bands; ++k)  // keep NaN out of the windowed metrics
    for (std::size_t i = 0; i < g.planeSize(); ++i)
      if (!valid.empty() && !valid[i]) g.band(k)[i] = f.band(k)[i] = 0.0f;

  std::pair<Cube, Cube> rows;
  if (!valid.empty()) rows = validPixelRows(g, f, valid);
  const Cube& gp = valid.empty() ? g : rows.first;
  const Cube& fp = valid.empty() ? f : rows.second;
  r.rmse8 = rmse8(gp, fp);
  r.psnr = psnrUal(gp, fp);
  r.psnrBandMean = psnrBandMean(gp, fp);
  r.sam = samUal(gp, fp);
  r.samFloat = samDegrees(gp, fp);
  r.ratio = o.ratio;
  r.ergas = o.ratio > 0 ? ergas(gp, fp, o.ratio) : kNaN;
  step(0.3);
  const std::vector<double> ssimBands = ssimUalPerBand(g, f, valid);
  step(0.6);
  r.ssim = 0;
  for (double v : ssimBands) r.ssim += v / ssimBands.size();
  const int window = std::min({o.uiqiWindow, g.rows, g.cols});
  r.uiqi = uiqi(g, f, window, valid);
  step(0.8);
  const int q2nBlock = std::min({o.q2nBlock, g.rows, g.cols});
  r.q2n = q2n(g, f, {q2nBlock, q2nBlock, false, [&] { return !progress || progress(0.8, "eval"); }}, valid);
  // The windowed metrics need a window (block) with no invalid pixel; where the mask leaves none (scattered nodata
  // or NaN, as some pansharpening outputs have), they are unavailable, not the whole evaluation.
  for (auto [name, value, side] :
       {std::tuple<const char*, double, int>{"SSIM", r.ssim, 11}, {"UIQI", r.uiqi, window}, {"Q2n", r.q2n, q2nBlock}})
    if (std::isnan(value))
      r.warnings.push_back(
          fmt::format("{0} unavailable: every {1}x{1} window of {2} reaches a pixel that is nodata or "
                      "NaN in either cube; the pixel-wise metrics use the {3} valid pixels",
                      name, side, o.estimate, r.validPixels));
  for (int k = 0; k < g.bands; ++k) {
    const Cube gb = singleBand(gp, k), fb = singleBand(fp, k);
    BandQuality q;
    q.band = k + 1;
    q.wavelengthNm = a.bands[k].spectral.hasWavelength() ? a.bands[k].spectral.wavelengthNm : kNaN;
    q.rmse8 = rmse8(gb, fb);
    q.psnr = psnrCube(gb, fb);
    q.ssim = ssimBands[k];
    r.perBand.push_back(q);
  }
  if (!o.perBandPath.empty()) writeTextFileAtomically(o.perBandPath, r.perBandCsv(), o.overwrite, "--per-band");
  step(1.0);
  return r;
}

std::string EvalResult::json() const {
  nlohmann::json j{{"rmse8", rmse8},
                   {"psnr", psnr},
                   {"psnr_band_mean", psnrBandMean},
                   {"sam", sam},
                   {"sam_float", samFloat},
                   {"ssim", finiteOrNull(ssim)},
                   {"ergas", finiteOrNull(ergas)},
                   {"uiqi", finiteOrNull(uiqi)},
                   {"q2n", finiteOrNull(q2n)},
                   {"normalisation_factor", normalisation},
                   {"valid_pixels", validPixels},
                   {"total_pixels", totalPixels}};
  return j.dump(2) + "\n";
}

std::string EvalResult::text() const {
  auto orNa = [](double v) { return std::isnan(v) ? std::string("n/a") : fmt::format("{:.5f}", v); };
  std::string s = fmt::format(
      "RMSE (8-bit): {:.4f}\nPSNR:         {:.4f} dB (UAL, whole cube, 8-bit rounded)\n"
      "PSNR (bands): {:.4f} dB (per-band mean, peak 1)\nSAM:          {:.4f} deg (UAL)\n"
      "SAM (float):  {:.4f} deg\nSSIM:         {}\nUIQI:         {}\nQ2n:          {}\n",
      rmse8, psnr, psnrBandMean, sam, samFloat, orNa(ssim), orNa(uiqi), orNa(q2n));
  if (ratio > 0) s += fmt::format("ERGAS:        {:.4f} (ratio {:g})\n", ergas, ratio);
  if (validPixels < totalPixels)
    s +=
        fmt::format("Pixels:       {} of {} valid (nodata or NaN in either cube left out)\n", validPixels, totalPixels);
  return s;
}

std::string EvalResult::perBandCsv() const {
  std::string csv = "band,wavelength_nm,rmse8,psnr_peak1,ssim\n";
  for (const BandQuality& q : perBand)
    csv += fmt::format("{},{},{:.6f},{:.6f},{}\n", q.band,
                       std::isnan(q.wavelengthNm) ? "" : fmt::format("{:.2f}", q.wavelengthNm), q.rmse8, q.psnr,
                       std::isnan(q.ssim) ? "" : fmt::format("{:.6f}", q.ssim));
  return csv;
}

// ---------------------------------------------------------------------------------------------------
// score

std::string shippedScoreModel() {
  return findShareFile("quality/hsi_ilniqe_pristine.json");
}

ScoreResult scoreCube(const Cube& cube, double toUnit, const std::vector<SpectralBand>& bands, const PixelMask& valid,
                      const NrScoreSetup& setup) {
  ScoreResult r;
  r.model = setup.model.empty() ? shippedScoreModel() : setup.model;
  PristineModel storage;
  const PristineModel& model = loadModel(r.model, storage);
  auto [weights, how] = panWeights(bands, setup.srf, setup.panBands);
  r.panWeights = how;
  const NrFeatures f = nrFeatures(cube, weights, model.options, valid, toUnit);
  const NrScore s = nrScore(model, f);
  r.score = s.score;
  r.blocks = f.blocks;
  r.blockSize = model.options.blockSize;
  return r;
}

namespace {

// Where the LR HSI and the MSI lie on the fused cube's grid, and the scale between them.
struct InputsOnFusedGrid {
  int scale = 0;
  Window lrWindow, msiWindow;
};

InputsOnFusedGrid locateInputs(const ScoreOptions& o, const RasterInfo& li, const RasterInfo& mi,
                               const RasterInfo& fi) {
  if (!o.assumeAligned) {  // a CRS on one side only is an error (relateGrids says which)
    relateGrids(li, fi);
    relateGrids(mi, fi);
  }
  const bool georeferenced = !o.assumeAligned && fi.geotransform && li.geotransform && mi.geotransform;
  int s = 0;
  Window lrWindow, msiWindow{0, 0, fi.width, fi.height};
  if (georeferenced) {
    if (!relateGrids(li, fi).sameCrs || !relateGrids(mi, fi).sameCrs)
      throw InputError(
          "the LR HSI, the MSI and the fused cube must share one CRS for QNR (warp them with gdalwarp first)");
    const GridRelation g = relateGrids(li, fi);  // one integer-ratio rule (geo/GridRelation.h)
    s = g.scale;
    if (s < 1) throw InputError(fmt::format("{}: the LR pixel is {:.4f} fused pixels, not an integer", o.lr, g.ratioX));
    auto [lr0, lc0] = originOffset(fi, li);
    auto [mr0, mc0] = originOffset(fi, mi);
    lrWindow = {lc0, lr0, fi.width / s, fi.height / s};
    msiWindow = {mc0, mr0, fi.width, fi.height};
  } else {
    if (fi.width % li.width || fi.height % li.height || fi.width / li.width != fi.height / li.height)
      throw InputError(fmt::format("{} ({}x{}) is not an integer multiple of {} ({}x{}); pass georeferenced files",
                                   o.fused, fi.width, fi.height, o.lr, li.width, li.height));
    s = fi.width / li.width;
    lrWindow = whole(li);
  }
  if (fi.width % s || fi.height % s)
    throw InputError(
        fmt::format("{} covers part of an LR pixel ({}x{} is not a multiple of {})", o.fused, fi.width, fi.height, s));
  if (msiWindow.col < 0 || msiWindow.row < 0 || msiWindow.col + msiWindow.width > mi.width ||
      msiWindow.row + msiWindow.height > mi.height)
    throw InputError(fmt::format("{} does not cover {}", o.msi, o.fused));
  if (lrWindow.col < 0 || lrWindow.row < 0 || lrWindow.col + lrWindow.width > li.width ||
      lrWindow.row + lrWindow.height > li.height)
    throw InputError(fmt::format("{} does not cover {}", o.lr, o.fused));

  return {s, lrWindow, msiWindow};
}

}  // namespace

namespace {

// What QNR reads besides the fused cube: the LR HSI and the MSI, where they lie on the fused grid, and the LR bands
// that match the fused cube's (all of them, or those with the same wavelengths). Every check is made here, before
// anything is read or scored, so bad input stops the run at once.
struct QnrInputs {
  RasterDataset lr, msi;
  InputsOnFusedGrid grid;
  std::vector<int> lrBands;
  BlurKernel kernel;
};

QnrInputs prepareQnrInputs(const ScoreOptions& o, const RasterInfo& fi) {
  QnrInputs q{RasterDataset::open(o.lr), RasterDataset::open(o.msi), {}, {}, {}};
  const RasterInfo &li = q.lr.info(), &mi = q.msi.info();
  q.grid = locateInputs(o, li, mi, fi);
  if (li.bandCount() != fi.bandCount()) {
    if (!fi.hasWavelengths() || !li.hasWavelengths())
      throw InputError(fmt::format("{} has {} bands and {} {}; without wavelengths on both they cannot be matched",
                                   o.lr, li.bandCount(), o.fused, fi.bandCount()));
    for (const BandInfo& fb : fi.bands) {
      int found = -1;
      for (int k = 0; k < li.bandCount(); ++k)
        if (std::fabs(li.bands[k].spectral.wavelengthNm - fb.spectral.wavelengthNm) < 0.01) found = k;
      if (found < 0)
        throw InputError(
            fmt::format("{} has no band at {:.2f} nm, which {} has", o.lr, fb.spectral.wavelengthNm, o.fused));
      q.lrBands.push_back(found);
    }
  }
  q.kernel = o.kernel.empty() ? mtfGaussian(q.grid.scale) : BlurKernel::parse(o.kernel);
  return q;
}

}  // namespace

ScoreResult scoreFiles(const ScoreOptions& o, const ProgressFn& progress) {
  if (o.lr.empty() != o.msi.empty()) throw InputError("--lr and --msi go together (QNR needs both)");
  const RasterDataset fused = RasterDataset::open(o.fused);
  const RasterInfo& fi = fused.info();
  PristineModel model;  // read now: a bad --model stops the run before any work
  loadModel(o.model.empty() ? shippedScoreModel() : o.model, model);
  std::optional<QnrInputs> q;
  if (!o.lr.empty()) q.emplace(prepareQnrInputs(o, fi));
  auto [z, zMask] = readWithMask(fused, whole(fi));
  const double factor = normalisationFactor(z, o.normalise, zMask, "--normalise");
  if (progress && !progress(0.05, "score")) throw Interrupted();
  ScoreResult r =
      scoreCube(z, factor, fi.spectralBands(), allValid(zMask) ? PixelMask{} : zMask, {o.model, o.srf, o.panBands});
  if (progress && !progress(o.lr.empty() ? 1.0 : 0.7, "score")) throw Interrupted();
  if (!q) return r;
  auto [y, yMask] = readWithMask(q->lr, q->grid.lrWindow, q->lrBands);
  auto [x, xMask] = readWithMask(q->msi, q->grid.msiWindow);
  if (!allValid(zMask) || !allValid(yMask) || !allValid(xMask))
    throw InputError("QNR needs inputs without nodata or NaN pixels: crop to the valid area (gdal_translate -srcwin)");
  const int block = std::min({o.qnrBlock, z.rows, z.cols});
  r.qnr = qnrIndices(z, y, x, q->grid.scale, q->kernel, block, [&](double f, const std::string& stage) {
    return !progress || progress(0.7 + 0.3 * f, stage == "qnr" ? "score" : stage);
  });
  r.scale = q->grid.scale;
  if (progress && !progress(1.0, "score")) throw Interrupted();
  return r;
}

std::string ScoreResult::json() const {
  nlohmann::json j{{"score", finiteOrNull(score)}, {"blocks", blocks},
                   {"block_size", blockSize},      {"model", model},
                   {"pan_weights", panWeights},    {"variant", "HSI-ILNIQE (lower is better)"}};
  if (qnr)
    j["qnr"] = {{"d_lambda", qnr->dLambda},
                {"d_s", qnr->dS},
                {"qnr", qnr->qnr},
                {"d_lambda_khan", qnr->dLambdaKhan},
                {"hqnr", qnr->hqnr},
                {"block_size", qnr->blockSize},
                {"scale", scale}};
  return j.dump(2) + "\n";
}

std::string ScoreResult::text() const {
  std::string s = std::isfinite(score)
                      ? fmt::format("NR score:     {:.4f} (HSI-ILNIQE, lower is better; {} blocks of {} px)\n", score,
                                    blocks, blockSize)
                      : fmt::format("NR score:     n/a (fewer than 2 blocks of {} px)\n", blockSize);
  if (qnr)
    s +=
        fmt::format("QNR:          {:.5f} (D_lambda {:.5f}, D_s {:.5f})\nHQNR:         {:.5f} (D_lambda Khan {:.5f})\n",
                    qnr->qnr, qnr->dLambda, qnr->dS, qnr->hqnr, qnr->dLambdaKhan);
  return s;
}

std::string trainScoreModel(const ScoreTrainingOptions& o, const ProgressFn& progress) {
  if (o.cubes.empty()) throw InputError("--train needs at least one pristine cube");
  std::vector<NamedPath> inputs;
  for (const std::string& c : o.cubes) inputs.push_back({c, "--train"});
  checkOutputs({{o.out, "--out"}}, inputs, o.overwrite);
  std::vector<NrFeatures> features;
  std::vector<std::string> sources;
  NrFeatureOptions fo = o.features;
  if (o.augment) fo.stride = fo.blockSize / 2;
  for (std::size_t i = 0; i < o.cubes.size(); ++i) {
    const RasterDataset ds = RasterDataset::open(o.cubes[i]);
    auto [cube, mask] = readWithMask(ds, whole(ds.info()));
    const double toUnit = normalisationFactor(cube, o.normalise, mask, "--normalise");
    auto [weights, how] = panWeights(ds.info().spectralBands(), o.srf, o.panBands);
    int blocks = 0;
    for (int t = 0; t < (o.augment ? 8 : 1); ++t) {
      const Cube c = dihedralTransform(cube, t);
      Cube m(1, cube.rows, cube.cols);
      for (std::size_t k = 0; k < mask.size(); ++k) m.data[k] = mask[k];
      const Cube mt = dihedralTransform(m, t);
      PixelMask tm(mt.data.begin(), mt.data.end());
      features.push_back(nrFeatures(c, weights, fo, allValid(tm) ? PixelMask{} : tm, toUnit));
      blocks += features.back().blocks;
      if (progress && !progress((i + (t + 1) / 8.0) / o.cubes.size(), "score-train")) throw Interrupted();
    }
    const std::string name = o.cubes[i].substr(o.cubes[i].find_last_of('/') + 1);
    sources.push_back(
        fmt::format("{} ({}x{}x{}, {} blocks, pan weights: {})", name, cube.cols, cube.rows, cube.bands, blocks, how));
  }
  const PristineModel model = fitPristineModel(features, o.features, sources);
  writeTextFileAtomically(o.out, model.toJson(), o.overwrite, "--out");
  return fmt::format("{}: {} blocks from {} cube(s), {} features, {} principal components", o.out, model.trainingBlocks,
                     o.cubes.size(), model.dims, model.components);
}

}  // namespace hsifuse
