#include "pipeline/FuseOutput.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "lib/quality/Qnr.h"
#include "lib/quality/Quicklook.h"
#include "lib/spatial/Degradation.h"
#include "lib/spatial/TilePlan.h"
#include "pipeline/FuseStages.h"
#include "pipeline/JsonNumbers.h"
#include "pipeline/QualityJob.h"

namespace hsifuse {
namespace {

using nlohmann::json;

// A small picture for people (values 0..255) written as a PNG with `layout`'s bands.
void writeBytePng(const std::string& path, const RasterInfo& layout, const Cube& picture, bool overwrite) {
  WriteOptions w;
  w.format = "PNG";
  w.outputType = "Byte";
  w.overwrite = overwrite;
  RasterWriter writer(path, layout, w);
  writer.writeWindow({0, 0, picture.cols, picture.rows}, picture);
  writer.commit();
}

// An RGB PNG of the output on its grid from its three quicklook bands (`chosen`); returns the report entry.
json writeQuicklook(const Cube& rgbBands, const std::vector<int>& chosen, const RasterInfo& hsi,
                    const RasterInfo& layout, const std::string& path, bool overwrite) {
  const Cube rgb = stretchRgb(rgbBands);
  RasterInfo ql = layout;
  ql.bands.clear();
  ql.metadata.clear();
  ql.badBandList.clear();
  for (int k = 0; k < 3; ++k) {
    BandInfo b;
    b.dataType = "Byte";
    b.description = std::string(k == 0   ? "red"
                                : k == 1 ? "green"
                                         : "blue") +
                    " (" + hsi.bands[chosen[k]].description + ")";
    b.spectral = hsi.bands[chosen[k]].spectral;
    ql.bands.push_back(b);
  }
  writeBytePng(path, ql, rgb, overwrite);
  return {{"path", path}, {"bands", {chosen[0] + 1, chosen[1] + 1, chosen[2] + 1}}};
}

// The kernel as a small grayscale PNG (largest tap = 255).
void writeKernelPng(const std::string& path, const BlurKernel& kernel, bool overwrite) {
  const Cube picture = kernelPicture(kernel);
  RasterInfo layout;
  layout.width = picture.cols;
  layout.height = picture.rows;
  layout.bands.resize(1);
  layout.bands[0].dataType = "Byte";
  layout.bands[0].description = "blur kernel (largest tap = 255)";
  writeBytePng(path, layout, picture, overwrite);
}

}  // namespace

RasterInfo outputLayout(const FuseOptions& o, const RasterInfo& hsi, const RasterInfo& msi, const FuseScene& scene,
                        float& nodataValue) {
  const Window& hrWin = scene.hrWin;
  RasterInfo layout = hsi;
  layout.width = hrWin.width;
  layout.height = hrWin.height;
  layout.crsWkt = msi.crsWkt;
  layout.geotransform = msi.geotransform;
  layout.moveOriginTo(hrWin.col, hrWin.row);
  // The inputs' own hsi-fuse items (a simulation's record, an earlier run's provenance) do not describe this output.
  auto& items = layout.metadata[""];
  items.erase(
      std::remove_if(items.begin(), items.end(), [](const auto& kv) { return kv.first.rfind("hsifuse_", 0) == 0; }),
      items.end());
  items.emplace_back("hsifuse_method", o.method);
  if (o.scaleTo > 0)  // values written times scaleTo: GDAL's scale brings readers back to the HSI's units
    for (BandInfo& b : layout.bands) b.scale = 1.0 / o.scaleTo, b.offset = 0.0;
  nodataValue = 0;
  if (!scene.hrValid.empty()) {
    const std::optional<double> own = hsi.bands.empty() ? std::nullopt : hsi.bands[0].nodata;
    const bool floating = o.write.outputType == "Float32" || o.write.outputType == "Float64";
    const double value = own ? *own : (floating ? std::nan("") : 0.0);
    for (BandInfo& b : layout.bands) b.nodata = value;
    nodataValue = static_cast<float>(value);
  }
  return layout;
}

namespace {

WriteOptions alignedTo(WriteOptions w, int tile) {
  w.blockSize = tile;
  return w;
}

}  // namespace

OutputTiles::OutputTiles(const FuseOptions& o, const RasterInfo& layout, const FuseScene& scene, float nodataValue,
                         const Window& block, int tile)
    : writer_(o.outPath, layout, alignedTo(o.write, tile)),
      peak_(scene.peak * static_cast<float>(o.scaleTo > 0 ? o.scaleTo : 1.0)),
      hrValid_(scene.hrValid),
      nodataValue_(nodataValue),
      cols_(scene.hrWin.width),
      block_(block) {}

OutputTiles::OutputTiles(const FuseOptions& o, const RasterInfo& layout, const FuseScene& scene,
                         const MemoryPlan& memory, float nodataValue)
    : OutputTiles(o, layout, scene, nodataValue, Window{0, 0, scene.hrWin.width, scene.hrWin.height}, memory.tile) {
  if (!o.reportPath.empty())
    qualityWindow_ = centralWindow(scene.hrWin.height, scene.hrWin.width, scene.scale, memory.qualityPixels);
  if (!o.quicklookPath.empty()) {
    rgb_ = quicklookBands(layout.spectralBands(), layout.bandCount());
    rgbBands_ = Cube(3, scene.hrWin.height, scene.hrWin.width);
  }
}

void OutputTiles::put(const Window& w, const Cube& z) {
  if (!qualityWindow_.empty()) {
    if (quality_.data.empty()) quality_ = Cube(z.bands, qualityWindow_.height, qualityWindow_.width);
    pasteOverlap(z, w, quality_, qualityWindow_);
  }
  Cube out = z;
  out.scale(peak_);
  if (!hrValid_.empty())
    for (int r = 0; r < w.height; ++r)
      for (int c = 0; c < w.width; ++c)
        if (!hrValid_[static_cast<std::size_t>(w.row + r) * cols_ + w.col + c])
          for (int b = 0; b < out.bands; ++b) out.at(b, r, c) = nodataValue_;
  if (!rgb_.empty()) {
    Cube three(3, w.height, w.width);
    for (int k = 0; k < 3; ++k) std::copy_n(out.band(rgb_[k]), out.planeSize(), three.band(k));
    pasteOverlap(three, w, rgbBands_, {0, 0, rgbBands_.cols, rgbBands_.rows});
  }
  writer_.writeWindow({w.col - block_.col, w.row - block_.row, w.width, w.height}, out);
}

json qualitySection(const Cube& z, const Window& q, const FuseScene& scene, const RasterInfo& hsi,
                    const std::optional<BlurKernel>& estimatedKernel, std::string& line, const ProgressFn& progress) {
  const int s = scene.scale;
  const Cube y = scene.lr.read({q.col / s, q.row / s, q.width / s, q.height / s}), x = scene.hr.read(q);
  PixelMask valid;
  if (!scene.hrValid.empty())
    for (int r = 0; r < q.height; ++r)
      for (int c = 0; c < q.width; ++c)
        valid.push_back(scene.hrValid[static_cast<std::size_t>(q.row + r) * scene.hrWin.width + q.col + c]);
  const ScoreResult nr = scoreCube(z, normalisationFactor(z, "paper", valid, "output"), hsi.spectralBands(), valid, {});
  json out{{"nr_score", finiteOrNull(nr.score)},
           {"nr_blocks", nr.blocks},
           {"nr_pan_weights", nr.panWeights},
           {"window", {q.col, q.row, q.width, q.height}}};
  if (!valid.empty()) {
    out["qnr"] = nullptr;  // QNR's block statistics have no rule for nodata
    line =
        fmt::format("quality: NR score {:.3f} (lower is better); QNR not computed (the inputs have nodata)", nr.score);
  } else {
    const int block = std::min({32, z.rows, z.cols});
    const QnrResult r = qnrIndices(z, y, x, s, estimatedKernel ? *estimatedKernel : mtfGaussian(s), block, progress);
    out.update({{"qnr", r.qnr},
                {"d_lambda", r.dLambda},
                {"d_s", r.dS},
                {"hqnr", r.hqnr},
                {"d_lambda_khan", r.dLambdaKhan},
                {"qnr_block", block},
                {"qnr_kernel", estimatedKernel ? "estimated" : "mtf-gaussian-0.29"}});
    line = fmt::format("quality: NR score {:.3f} (lower is better), QNR {:.4f}", nr.score, r.qnr);
  }
  if (!(q == Window{0, 0, scene.hrWin.width, scene.hrWin.height}))
    line += fmt::format(" (on the central {} x {} HR pixels)", q.width, q.height);
  return out;
}

void writeSideOutputs(const FuseOptions& o, const OutputTiles& tiles, const RasterInfo& hsi, const RasterInfo& layout,
                      const std::optional<BlurKernel>& kernel, FilesToRemoveOnFailure& written, json& report) {
  if (!o.quicklookPath.empty()) {
    report["quicklook"] =
        writeQuicklook(tiles.rgbBands(), tiles.rgb(), hsi, layout, o.quicklookPath, o.write.overwrite);
    written.add(o.quicklookPath);
  }
  if (!o.kernelOutPath.empty() && kernel) {
    writeTextFileAtomically(o.kernelOutPath, kernel->toCsv(), o.write.overwrite, "--kernel-out");
    written.add(o.kernelOutPath);
    report["kernel_csv"] = o.kernelOutPath;
  }
  if (!o.kernelPngPath.empty() && kernel) {
    writeKernelPng(o.kernelPngPath, *kernel, o.write.overwrite);
    written.add(o.kernelPngPath);
    report["kernel_png"] = o.kernelPngPath;
  }
}

}  // namespace hsifuse
