#pragma once
// The end-to-end job of `hsi-fuse fuse` (its stages: pipeline/FuseStages.h) on georeferenced (or plain, aligned)
// scenes: pair the grids, read the overlap, build P, bring the MSI to the HSI's radiometric scale, run the chosen
// method (bicubic, GSA, the pretrained fusion module alone, or UAL: fusion + per-scene adaptation), and write a GeoTIFF
// on the MSI grid with the HSI's bands and metadata. The pipeline layer joins geo/ (GDAL) and models/ (Torch) through
// their Torch-free and GDAL-free interfaces.
//
// When the CRSs differ or the LR grid is off the HR pixel corners, the LR HSI is warped onto an aligned
// grid (geo/Coregistration.h); the residual shift is estimated (lib/spatial/ShiftEstimation.h) and, with fixShift,
// corrected. Memory follows --ram, not the scene: the LR HSI and the MSI are held whole up to --fit-area LR pixels
// (a larger scene holds its part of that area with the most valid pixels and is read window by window); every cube with
// the HR grid and all HSI bands streams in tiles (lib/spatial/TilePlan.h). The first stage is computed tile by tile (a
// classical fusion fitted once on the held part, then the fusion module with a halo of its receptive field); when the
// adaptation needs it, it is written
// once to a temporary GeoTIFF beside the output and read back by patches; the output is written tile by tile.
// The report's no-reference quality is computed on the central window that the budget allows.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "geo/RasterWriter.h"
#include "lib/core/Progress.h"
#include "lib/spectral/BandSelection.h"

namespace hsifuse {

struct FuseOptions {
  std::string lrPath, msiPath, outPath;
  std::string wavelengths;        // --wavelengths for the LR HSI
  BandFilter bands;               // HSI band filters
  std::string msiBands;           // 1-based MSI bands to use, e.g. 2-4,8 ("" = all)
  std::string srf;                // shipped name or CSV (curves or P)
  std::string method = "ual";     // ual | fixed-kernel | dip | fusion-only | gsa | glp-hs | glp-reg | bicubic
  std::string stage1 = "auto";    // the first stage: auto (chosen per scene) | model | gsa | glp-hs | glp-reg | bicubic
  std::string kernel = "auto";    // the degradation: auto (learned from the start chosen per scene) | a fixed SPEC
  std::string model;              // weights; "" = the shipped model that matches; "none" = no fusion module
  bool fitNoise = false;          // adapt past the LR HSI's estimated noise level (models/Adaptation.h lrNoiseL1: 0)
  bool finetune = false;          // train the fusion module during the adaptation too (Table 1 ablation)
  int dipWidth = 32;              // width of the new fusion module of --method dip
  double fusionLearningRate = 0;  // 0 = the AdaptationOptions default (fine-tuning and dip)
  int scale = 0;                  // 0 = from the grids
  bool assumeAligned = false;
  std::string resampling = "bilinear";  // GDAL method for warping the LR HSI onto the MSI grid
  bool fixShift = false;                // move the HSI by the estimated residual shift
  // --lr-nodata / --msi-nodata: the nodata value of every band of that input, in place of the file's (none: the
  // file's own).
  std::optional<double> lrNodata, msiNodata;
  bool maskClouds = false;         // a Sentinel-2 L2A HR_MSI: its SCL's cloud, shadow, cirrus and snow pixels as nodata
  int steps = -1;                  // -1: 1500, more on scenes larger than HypSen's (kDefaultVisitsPerPixel)
  double adaptLearningRate = 0;    // 0 = the AdaptationOptions default
  double kernelLearningRate = -1;  // < 0 = the default; 0 = keep the starting kernel
  int adaptWidth = 0;              // 0 = the default
  int patchLr = -1;                // < 0 = the default; 0 = the whole scene each step
  // --fit-area: the LR pixels held in memory for the fits and the adaptation's steps; a larger scene is fitted on its
  // part of this area with the most valid pixels and read window by window (0: always the whole scene). 512 x 512 (the
  // HypSen-size scene is 330 x 250) holds 134 MB of a 128-band HSI and 104 MB of an 11-band MSI at s = 3.
  int fitAreaLr = 512 * 512;
  // -1: none given (seed 0, training on --num-threads threads: the same bytes on the same thread count). Given (>= 0):
  // the training steps run on one LibTorch thread and the network tiles must have their canonical side, so the
  // output is bit-identical whatever --num-threads, the load and --ram (issue #14).
  int seed = -1;
  std::uint64_t seedValue() const { return seed < 0 ? 0 : static_cast<std::uint64_t>(seed); }
  bool reproducible() const { return seed >= 0; }
  int tile = 0;         // network tile side in HR pixels (0: from ramMb)
  double ramMb = 2048;  // memory budget in MB
  std::string device = "cpu";
  std::string reportPath;      // "" = none, "-" = stdout
  std::string quicklookPath;   // RGB PNG of the output ("" = none)
  std::string kernelOutPath;   // the kernel UAL estimated, as CSV ("" = none)
  std::string kernelPngPath;   // the same kernel as a small grayscale PNG ("" = none)
  std::string saveAdaptation;  // a folder for `hsi-fuse apply` (pipeline/AdaptationFolder.h; "" = none)
  // The area of interest on the MSI grid ("" = all of the overlap), as gdal_translate spells it: --srcwin XOFF YOFF
  // XSIZE YSIZE in MSI pixels, or --projwin ULX ULY LRX LRY in the MSI's CRS. The output covers the whole LR pixels
  // inside it.
  std::vector<double> srcWindow, projWindow;
  bool skipExisting = false;  // an OUTPUT with the same provenance (pipeline/Provenance.h) is left alone: Skipped
  double scaleTo = 0;  // > 0: write the output times this (e.g. 10000 for reflectance in UInt16), with band scale 1/it
  WriteOptions write;
};

// Returns the report (JSON text). Throws InputError / Error with the user-facing message.
std::string runFusionJob(const FuseOptions& options, const ProgressFn& progress = {}, const LogFn& log = {});

}  // namespace hsifuse
