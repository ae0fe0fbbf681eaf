#pragma once
// The no-reference hyperspectral quality score "HSI-ILNIQE", a reproducible variant in the style of
// Yang et al. 2017 (UAL's ref. [26]) built on IL-NIQE (Zhang, Zhang, Bovik 2015), exactly as
// ../shared/specs/metrics-and-quality.md section 1.3 defines it. Lower is better.
//
// Per block and at two scales (the cube, and the cube filtered by a 6x6 Gaussian of sigma 0.9 and
// decimated by 2 with half the block size), one row of features:
//   spectral (6):  GGD of spectra normalised along wavelength by a 7-tap Gaussian window, AGGD of the
//                  products of neighbouring normalised bands;
//   MSCN (18):     on the panchromatic image Pan = sum_l w_l Z_l: AGGD shape and mean width of the MSCN
//                  coefficients and AGGD of their products with 4 circular shifts;
//   log-Gabor (48): GGD of the real and imaginary parts of 3 scales x 4 orientations;
//   gradient (48, or 96 with allGradients): GGD of the y (and x) Gaussian-derivative of each log-Gabor map;
//   magnitude (48): Weibull (scale, shape) of each map's gradient magnitude.
// A pristine model (PCA to 99.9 % of the variance, at most 430 components, and a multivariate Gaussian) is
// fitted to blocks of pristine cubes; a cube's score is the mean over its blocks of the modified
// Bhattacharyya distance to it.
//
// Departures (the spec's D0-D6, and ours):
// - blocks of 32 pixels by default instead of 64 (D1; our real cubes are 50-128 pixels wide, 64 would leave
//   one block each);
// - training rows from each cube's 8 rotations/mirrorings and half-block strides (more rows for the
//   covariance of 336 features);
// - each feature standardised by its spread over the pristine rows before the PCA: IL-NIQE's raw PCA was
//   dominated by the large-valued scale features, and blurring then moved our cubes *towards* the model;
// - the pan image mirrored into a margin before the FFT of the log-Gabor bank (the wrap-around edge otherwise
//   reaches every block of a small scene); IL-NIQE's Butterworth low-pass (0.45, order 15) kept, as its code has;
// - the Weibull fit by Newton on the likelihood instead of Nelder-Mead (DistributionFit.h).
// Validation on real cubes: share/quality/README.md.
#include <string>
#include <vector>

#include "lib/core/Cube.h"
#include "lib/quality/QualityIndices.h"

namespace hsifuse {

struct NrFeatureOptions {
  int blockSize = 32;
  int stride = 0;             // between block origins; 0 = blockSize (non-overlapping)
  bool allGradients = false;  // x and y gradients (192 + ...) instead of y only (D4)
};

// Feature rows of the full blocks of one cube, row-major `blocks` x `dims`.
struct NrFeatures {
  int blocks = 0;
  int dims = 0;
  std::vector<double> rows;
  std::vector<Window> windows;  // each block, in the cube's pixels
};

// `cube` is on the [0, 1] scale (clipped there; multiplied by 255 inside, as IL-NIQE's constants expect);
// `panWeights` one weight per band (normalised inside). Bands that are all zero are dropped. Blocks with an
// invalid pixel in `valid` are skipped (invalid pixels are set to 0 before filtering).
// `toUnit` multiplies the values first (the factor that brings the cube to [0, 1]; no copy of the cube is made).
NrFeatures nrFeatures(const Cube& cube, const std::vector<double>& panWeights, const NrFeatureOptions& options,
                      const PixelMask& valid = {}, double toUnit = 1.0);

int nrFeatureCount(bool allGradients);

struct PristineModel {
  NrFeatureOptions options;
  int dims = 0;                    // feature count
  int components = 0;              // k
  std::vector<double> mean;        // dims
  std::vector<double> spread;      // dims: each feature's standard deviation over the pristine rows
  std::vector<double> projection;  // dims x components, row-major
  std::vector<double> mu;          // components
  std::vector<double> covariance;  // components x components
  int trainingBlocks = 0;
  std::vector<std::string> sources;  // what the rows came from (file names)

  std::string toJson() const;
  static PristineModel fromJson(const std::string& text, const std::string& origin);
};

// PCA and MVG over the stacked rows (rows holding a NaN are left out, as in IL-NIQE's training).
PristineModel fitPristineModel(const std::vector<NrFeatures>& features, const NrFeatureOptions& options,
                               std::vector<std::string> sources);

struct NrScore {
  double score = 0;            // mean distance; NaN with fewer than 2 blocks
  std::vector<double> blocks;  // the distance of each block
};
NrScore nrScore(const PristineModel& model, const NrFeatures& features);

// The cube rotated by 90 degrees k times (k = index % 4) and mirrored left-right when index >= 4.
Cube dihedralTransform(const Cube& cube, int index);

}  // namespace hsifuse
