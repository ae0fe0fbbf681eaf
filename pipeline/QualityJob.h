#pragma once
// `hsi-fuse eval` (full reference) and `hsi-fuse score` (no reference) as library calls on files:
// grids checked, nodata and NaN pixels masked, cubes brought to the [0, 1] scale, metrics from lib/.
// No Torch here; GDAL only through geo/.
#include <optional>
#include <string>
#include <vector>

#include "lib/core/Cube.h"
#include "lib/core/Progress.h"
#include "lib/quality/NoReferenceScore.h"
#include "lib/quality/Qnr.h"
#include "lib/quality/QualityIndices.h"
#include "lib/spectral/SpectralBand.h"

namespace hsifuse {

struct RasterInfo;

// How a cube is brought to the [0, 1] scale: "paper" divides by the reference's max - min (UAL's
// evaluation; the minimum is not subtracted), "none" keeps the values, a number divides by it.
double normalisationFactor(const Cube& reference, const std::string& mode, const PixelMask& valid,
                           const std::string& option);

struct EvalOptions {
  std::string reference, estimate;
  double ratio = 0;  // ERGAS resolution ratio; 0 = not computed
  std::string normalise = "paper";
  bool assumeAligned = false;
  int uiqiWindow = 32;      // sliding box of UIQI (img_qi's default is 8; HySure and hif use 32)
  int q2nBlock = 32;        // Q2n blocks and shift
  std::string perBandPath;  // per-band CSV to write ("" = none)
  bool overwrite = false;   // replace perBandPath
};

struct BandQuality {
  int band = 0;             // 1-based
  double wavelengthNm = 0;  // NaN when unknown
  double rmse8 = 0, psnr = 0, ssim = 0;
};

struct EvalResult {
  double rmse8 = 0, psnr = 0, psnrBandMean = 0, sam = 0, samFloat = 0, ssim = 0, ergas = 0, uiqi = 0, q2n = 0;
  double ratio = 0;
  double normalisation = 1;  // the factor both cubes were multiplied by
  std::size_t validPixels = 0, totalPixels = 0;
  std::vector<BandQuality> perBand;
  // Metrics that could not be computed (NaN: null in JSON, n/a in text), and why; for stderr.
  std::vector<std::string> warnings;
  std::string json() const;
  std::string text() const;
  std::string perBandCsv() const;
};

// Throws InputError (shapes or grids differ, no valid pixel, ...).
// `progress` is called between the metrics; when it returns false the run stops with Interrupted.
EvalResult evaluateFiles(const EvalOptions& options, const ProgressFn& progress = {});

struct ScoreOptions {
  std::string fused;
  std::string lr, msi;                   // both or neither: QNR and HQNR
  std::string model;                     // "" = the shipped pristine model
  std::string srf = "sentinel2a";        // the panchromatic weights: the mean of these MSI responses ...
  std::string panBands = "B2,B3,B4,B8";  // ... over these bands ("" = all kept bands)
  std::string normalise = "paper";
  std::string kernel;  // LR sensor blur for QNR ("" = MTF-matched Gaussian, Nyquist gain 0.29)
  int qnrBlock = 32;
  bool assumeAligned = false;  // plain grids: LR pixel (i, j) covers fused pixels s*i.., s*j..
};

struct ScoreResult {
  double score = 0;  // NaN with fewer than 2 blocks
  int blocks = 0;
  int blockSize = 0;
  std::string model;
  std::string panWeights;  // how the panchromatic weights were made
  std::optional<QnrResult> qnr;
  int scale = 0;
  std::string json() const;
  std::string text() const;
};

ScoreResult scoreFiles(const ScoreOptions& options, const ProgressFn& progress = {});

// The score of a cube in memory, multiplied by `toUnit` to bring it to the [0, 1] scale (no copy), for
// `fuse --report`.
struct NrScoreSetup {
  std::string model;  // "" = shipped
  std::string srf = "sentinel2a";
  std::string panBands = "B2,B3,B4,B8";
};
ScoreResult scoreCube(const Cube& cube, double toUnit, const std::vector<SpectralBand>& bands, const PixelMask& valid,
                      const NrScoreSetup& setup);

// The path of the shipped pristine model (share/quality/...).
std::string shippedScoreModel();

struct ScoreTrainingOptions {
  std::vector<std::string> cubes;
  std::string out;
  bool overwrite = false;
  NrFeatureOptions features;  // block size, gradients
  bool augment = true;        // 8 dihedral transforms and half-block strides
  std::string srf = "sentinel2a";
  std::string panBands = "B2,B3,B4,B8";
  std::string normalise = "paper";
};
// Fits and writes the pristine model; returns a one-line summary.
std::string trainScoreModel(const ScoreTrainingOptions& options, const ProgressFn& progress = {});

}  // namespace hsifuse
