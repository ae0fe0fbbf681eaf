// hsi-fuse fuse LR_HSI HR_MSI OUTPUT: the main job.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cmd/Command.h"
#include "cmd/CommonOptions.h"
#include "lib/core/AtomicOutput.h"
#include "lib/core/Error.h"
#include "lib/core/Text.h"
#include "pipeline/FusionJob.h"

namespace hsifuse {
namespace {

// The job's own options (pipeline/FusionJob.h, with their defaults) plus the shared groups parsed into them.
struct FuseCommandOptions {
  FuseOptions job;
  DeviceOptions device;
  BandFilterOptions filter;
  OutputOptions out;
  std::vector<std::string> srcwin, projwin;  // four numbers each, parsed into the job's windows
  std::string lrNodata, msiNodata;           // a number, parsed into the job's
};

std::optional<double> nodataValue(const std::string& value, const std::string& option) {
  if (value.empty()) return std::nullopt;
  const double v = parseDouble(value, option);
  if (!std::isfinite(v)) throw InputError(option + ": a finite value is needed (NaN is always nodata)");
  return v;
}

std::vector<double> numbers(const std::vector<std::string>& values, const std::string& option) {
  std::vector<double> out;
  for (const std::string& v : values) out.push_back(parseDouble(v, option));
  return out;
}

class FuseCommand : public Command {
 public:
  std::string name() const override { return "fuse"; }
  std::string summary() const override { return "Fuse a LR hyperspectral and a HR multispectral scene (UAL)."; }
  std::string description() const override {
    return "Writes OUTPUT on the HR MSI grid over the overlap of the two inputs, with the kept HSI bands, their "
           "wavelengths, FWHM and descriptions, and the HSI's metadata, in the HSI's units. Methods: ual (the "
           "pretrained fusion module, then the per-scene unsupervised adaptation with a learned degeneration), "
           "the ablations fixed-kernel, dip and --finetune, fusion-only (the first stage alone), gsa, glp-hs, glp-reg, "
           "bicubic. "
           "When the inputs are in different CRSs, or the LR grid "
           "does not fall on whole HR pixels, the LR HSI is warped (--resampling) onto a grid aligned with the MSI's, "
           "with a pixel of exactly s MSI pixels, over the overlap less one LR pixel per side. Plain pixel grids "
           "need --assume-aligned (LR pixel (i, j) covers HR pixels s*i..s*i+s-1). Memory follows --ram, not the "
           "scene: the LR HSI and the MSI are held whole, and everything with the HR grid and all HSI bands streams in "
           "tiles (--tile) that reproduce the whole-scene result (the classical fusions are fitted on the whole scene, "
           "the networks get a halo of their receptive field and tiles of 192 HR pixels unless --ram cannot hold "
           "them). For the adaptation the first stage is computed once and held in memory when --ram allows, else "
           "written to a temporary GeoTIFF beside OUTPUT (as large as OUTPUT in Float32) and removed at the end. The "
           "report's quality section is computed on the central window that --ram allows.";
  }
  void declare(OptionTable& t) override {
    t.positional("LR_HSI", &o_.job.lrPath,
                 "Low-resolution hyperspectral scene with wavelengths: any GDAL raster, an EO-1 Hyperion L1T/L1Gst "
                 "folder (or its MTL) or L1R HDF4 file, or an EnMAP L2A product (folder, zip or METADATA.XML).")
        .positional("HR_MSI", &o_.job.msiPath,
                    "High-resolution multispectral scene of the same place: any GDAL raster, or a Sentinel-2 L1C/L2A "
                    "product (its .SAFE folder, its zip or its MTD_MSIL1C.xml/MTD_MSIL2A.xml), read in reflectance "
                    "((DN + offset) / quantification, NODATA as nodata) with the spacecraft's curves.")
        .positional("OUTPUT", &o_.job.outPath,
                    "High-resolution hyperspectral output (may be left out with --save-adaptation: adapt only).", false)
        .text("srf", &o_.job.srf, "NAME|CSV",
              "MSI response: sentinel2a, sentinel2b, landsat8, nikon_d700, a curve CSV, a P CSV, or estimate (fitted "
              "from the scene). Required, except for a Sentinel-2 product (its spacecraft's curves).")
        .text("msi-bands", &o_.job.msiBands, "RANGES|NAMES",
              "MSI bands to use (1-based); matched to the response by band name where they have one, else by position. "
              "For a Sentinel-2 product, band names (default B2,B3,B4,B8, the 10 m bands; 20 m and 60 m bands are "
              "replicated onto the 10 m grid (nearest), and are not sharper than their native resolution).")
        .flag("mask-clouds", 0, &o_.job.maskClouds,
              "Sentinel-2 L2A HR_MSI: its scene classification's cloud shadow, cloud, thin cirrus and snow pixels "
              "(SCL classes 3, 8, 9, 10, 11) are nodata.")
        .text("method", &o_.job.method, "NAME",
              "ual, fixed-kernel (ual with a kernel that is not learned: --kernel SPEC, else the predefined 8x8 "
              "Gaussian), dip (ual with a new, untrained fusion module learned on the scene alone), fusion-only, gsa, "
              "glp-hs (MTF-GLP with regression gains, one MSI band per HSI band), glp-reg (MTF-GLP with a pan per HSI "
              "band regressed on all sharp MSI bands: hyper-sharpening; fitted on the LR grid's finest detail where "
              "the kernel is known, from --kernel SPEC or as ual's first stage) or bicubic. The GLP methods alone use "
              "the MTF-matched Gaussian unless --kernel SPEC; as ual's first stage, the scene's kernel.")
        .text("stage1", &o_.job.stage1, "NAME",
              "First stage: auto (the matching fusion module, GLP-REG, GSA, GLP-HS or their band-by-band blend, "
              "whichever scores best on the scene itself at reduced resolution; the report lists the scores and the "
              "blend's weights; a scene too small to score gets the module where its sidecar records a held-out "
              "gain, else GLP-REG), model, gsa, glp-hs, glp-reg or bicubic (dip: its module's input, default "
              "bicubic).")
        .text(
            "kernel", &o_.job.kernel, "auto|SPEC",
            "Degradation kernel: auto (learned, starting from the candidate kernel with the lowest residual on "
            "held-out LR pixels, two-fold cross-validated: UAL's 8x8, the MTF-matched Gaussian, the best isotropic and "
            "anisotropic Gaussians, the best defocus disk, a free non-negative kernel of 4s x 4s taps (at most 32 x "
            "32) with a cross-validated ridge; the report lists them) or a known, fixed SPEC, used by every stage "
            "(GLP-HS's MTF, the first-stage choice, the adaptation): gauss:SIZE:SIGMA, aniso:SIZE:SX:SY:ANGLE, "
            "disk:SIZE:RADIUS, ual8 or a CSV.")
        .text("model", &o_.job.model, "FILE|none",
              "Fusion weights (default: the shipped model that matches; ual falls back to none when none matches). "
              "none: UAL adapts the --stage1 estimate directly.")
        .flag("finetune", 0, &o_.job.finetune,
              "Train the fusion module during the adaptation too (the paper's fine-tuning ablation).")
        .number("fusion-lr", &o_.job.fusionLearningRate, "RATE",
                "Adam learning rate of the fusion module with --finetune or --method dip (0: 1e-4).")
        .range(0, 1)
        .integer("dip-width", &o_.job.dipWidth, "N", "Width of the new fusion module of --method dip.")
        .range(1, 512)
        .integer("scale", &o_.job.scale, "S", "Force the resolution ratio (0: from the grids).")
        .range(0, 100)
        .flag("assume-aligned", 0, &o_.job.assumeAligned,
              "Plain pixel grids without CRS, aligned at the top-left corner.")
        .integer("steps", &o_.job.steps, "N",
                 "Adaptation steps (ual). -1: 1500, or enough for 74 visits of each valid LR pixel by the step "
                 "patches on scenes larger than 330 x 250 LR pixels; the run stops early when the scene's own "
                 "validation loss stops improving. The report gives the steps run and the visits per pixel.")
        .range(-1, 1000000)
        .flag("fit-noise", 0, &o_.job.fitNoise,
              "Let the adaptation run on once it explains the LR HSI down to the noise estimated on it (by default "
              "it stops there, at step 0 when the first stage already does: further steps fit the noise). The "
              "report gives the noise level (adaptation.lr_noise_l1) and where it was reached.")
        .number("adapt-lr", &o_.job.adaptLearningRate, "RATE", "Adam learning rate of the adaptation module (0: 2e-4).")
        .range(0, 1)
        .number("kernel-lr", &o_.job.kernelLearningRate, "RATE",
                "Adam learning rate of the degeneration kernel (-1: 5e-5; 0: fixed).")
        .range(-1, 1)
        .integer("adapt-width", &o_.job.adaptWidth, "N", "Width of the adaptation module (0: 8).")
        .range(0, 512)
        .integer("patch", &o_.job.patchLr, "LR_PX",
                 "Adaptation patch side in LR pixels (-1: 64, fewer where a step would pass 192 x 192 x 128 HR values, "
                 "pixels x bands, or the whole scene when smaller; 0: whole scene).")
        .range(-1, 4096)
        .integer(
            "fit-area", &o_.job.fitAreaLr, "LR_PIXELS",
            "LR pixels held in memory for the fits (response, gains, shift, kernel, first-stage choice, GSA or "
            "GLP-HS statistics) and the adaptation's steps. A larger scene is fitted on its part of this area with "
            "the most valid pixels and read from the files window by window, so memory stops growing with the "
            "scene; the first "
            "stage and the final pass still cover all of it. 0: always the whole scene.")
        .range(0, 2147483647)
        .integer("seed", &o_.job.seed, "N",
                 "Random seed of the adaptation (-1: seed 0). Given, the output is bit-identical whatever "
                 "--num-threads, the load and --ram on the CPU: the training steps run on one LibTorch thread (the "
                 "other stages keep --num-threads), and a --ram too small for the usual network tiles is an error. "
                 "Without it, the same bytes need the same --num-threads.")
        .range(-1, 2147483647)
        .text("resampling", &o_.job.resampling, "NAME",
              "GDAL resampling for warping the LR HSI onto the MSI grid (when the CRSs or grids differ).")
        .flag("fix-shift", 0, &o_.job.fixShift,
              "Move the HSI by the estimated residual shift (always estimated and reported).")
        .integer("tile", &o_.job.tile, "PX",
                 "Stream the scene in tiles of this side in HR pixels (0: chosen from --ram, at most 384).")
        .range(0, 65536)
        .number("ram", &o_.job.ramMb, "MB",
                "Memory budget of the whole process (peak RSS, the ~190 MB of the program included): the tile size and "
                "the report's quality window follow from it; a scene whose inputs and fixed buffers leave less than 32 "
                "MB for the tiles is refused.")
        .range(1, 1e9)

        .text("report", &o_.job.reportPath, "FILE|-", "Write the run report (JSON) to FILE, or stdout with -.")
        .text("quicklook", &o_.job.quicklookPath, "PNG",
              "Write an RGB quicklook of the output (bands nearest 640/550/470 nm, 2-98 % stretch).")
        .text("kernel-out", &o_.job.kernelOutPath, "CSV",
              "Write the blur kernel UAL estimated (ual, dip; fixed-kernel writes its fixed kernel).")
        .text("kernel-png", &o_.job.kernelPngPath, "PNG",
              "Write the same kernel as a small grayscale PNG (16 x 16 pixels per tap, largest tap white).")
        .number("scale-to", &o_.job.scaleTo, "FACTOR",
                "Write the output times FACTOR with band scale 1/FACTOR (e.g. 10000 for reflectance in --ot UInt16; "
                "an integer --ot of a floating-point HSI needs it).")
        .range(0, 1e12)
        .flag("skip-existing", 0, &o_.job.skipExisting,
              "Leave OUTPUT alone (exit 3) when hsi-fuse made it from the same inputs and options; for archive reruns.")
        .text("lr-nodata", &o_.lrNodata, "VALUE",
              "Nodata value of every LR HSI band, in place of the file's (e.g. 0 for fill outside the flight line).")
        .text("msi-nodata", &o_.msiNodata, "VALUE", "Nodata value of every MSI band, in place of the file's.")
        .list("srcwin", &o_.srcwin, "XOFF YOFF XSIZE YSIZE",
              "Fuse only this area of the MSI (pixels, as gdal_translate -srcwin): the whole LR pixels inside it.")
        .list("projwin", &o_.projwin, "ULX ULY LRX LRY",
              "Fuse only this area, in the MSI's CRS (as gdal_translate -projwin): the whole LR pixels inside it.")
        .text("save-adaptation", &o_.job.saveAdaptation, "DIR",
              "Save what 'hsi-fuse apply' needs to write any block of this output in another process (ual, "
              "fixed-kernel, gsa, glp-hs, glp-reg, bicubic): the adapted module, the first stage, P, the scaling, the "
              "inputs' "
              "checksums. Without OUTPUT (ual, fixed-kernel) fuse only adapts.");
    o_.device.declare(t);
    o_.filter.declare(t);
    o_.out.declare(t, "Float32");
  }
  int run(const CommonOptions& common, const ProgressFn& progress) override {
    FuseOptions f = o_.job;  // --srf may be left out for a Sentinel-2 product (its spacecraft names the curves)
    f.device = o_.device.apply();
    f.wavelengths = o_.filter.wavelengths;
    f.bands = o_.filter.toFilter();
    f.write = o_.out.toWriteOptions("Float32");
    f.srcWindow = numbers(o_.srcwin, "--srcwin");
    f.projWindow = numbers(o_.projwin, "--projwin");
    f.lrNodata = nodataValue(o_.lrNodata, "--lr-nodata");
    f.msiNodata = nodataValue(o_.msiNodata, "--msi-nodata");
    // OUTPUT - (or /vsistdout/): the finished file goes to stdout, for pipelines; it is written to a temporary file
    // first (a GeoTIFF cannot be streamed while it is written) and copied out only once complete.
    const bool toStdout = f.outPath == "-" || f.outPath == "/vsistdout/";
    TemporaryFile staged;
    if (toStdout) {
      if (f.reportPath == "-")
        throw InputError("--report -: stdout carries OUTPUT (-) already; write the report to a file");
      staged =
          TemporaryFile(temporaryPathFor((std::filesystem::temp_directory_path() / "hsifuse-stdout.tif").string()));
      f.outPath = staged.path();
    }
    const LogFn log = common.log();
    const std::string report = runFusionJob(f, progress, log);
    if (f.reportPath == "-") std::cout << report;
    if (toStdout) {
      std::ifstream in(staged.path(), std::ios::binary);
      std::cout << in.rdbuf();
      std::cout.flush();
      if (!std::cout) throw Error("OUTPUT -: writing to stdout failed");
    }
    if (!common.quiet)
      std::cerr << "wrote " << (toStdout ? std::string("stdout") : f.outPath)
                << (f.reportPath.empty() || f.reportPath == "-" ? "" : " and " + f.reportPath) << "\n";
    return 0;
  }

 private:
  FuseCommandOptions o_;
};

}  // namespace

std::unique_ptr<Command> makeFuseCommand() {
  return std::make_unique<FuseCommand>();
}

}  // namespace hsifuse
