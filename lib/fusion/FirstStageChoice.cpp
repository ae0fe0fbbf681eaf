#include "lib/fusion/FirstStageChoice.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "lib/core/Error.h"
#include "lib/quality/Metrics.h"
#include "lib/spatial/Degradation.h"

namespace hsifuse {

double consistencyPsnr(const Cube& z, const Cube& y, const Cube& x, const std::vector<std::vector<double>>& p,
                       const BlurKernel& kernel, int s) {
  const Cube dz = blurDownsample(z, kernel, s);
  const Window lr{0, 0, std::min(dz.cols, y.cols), std::min(dz.rows, y.rows)};
  const double e = cubeMse(dz.crop(lr), y.crop(lr)) + cubeMse(projectSpectrally(z, p), x);
  return 10.0 * std::log10(2.0 / std::max(e, 1e-20));
}

int consistencyCropLr(int cropLr, int bands, int scale) {
  const int side = static_cast<int>(std::sqrt(kConsistencyHrValues / std::max(bands, 1)) / std::max(scale, 1));
  return std::clamp(side, 1, std::max(cropLr, 1));
}

double choiceWorkingValues(int lrRows, int lrCols, int bands, int msiBands, int s) {
  const double h = std::min(lrRows, kChoiceCropLr), w = std::min(lrCols, kChoiceCropLr);
  const double c = consistencyCropLr(static_cast<int>(std::min(h, w)), bands, s) * double(s);
  // The crop of X at HR, then about 12 cubes at once: each candidate's reduced result and full-resolution
  // consistency crop with their degradations, the reduced pair and its reference; and what the blend keeps: its
  // parts' reduced results at up to 9 phases and their consistency crops.
  return msiBands * h * w * s * s * 2.0 + 12.0 * bands * std::max(h * w, c * c) + 18.0 * bands * h * w +
         2.0 * bands * c * c;
}

StageChoice chooseFirstStage(const std::vector<StageCandidate>& candidates, const Cube& yWhole, const Cube& xWhole,
                             const std::vector<std::vector<double>>& p, const BlurKernel& kernel, int s,
                             std::uint64_t seed) {
  if (candidates.empty()) throw Error("first-stage choice: no candidate");
  StageChoice out;
  const int h = std::min(yWhole.rows, kChoiceCropLr), w = std::min(yWhole.cols, kChoiceCropLr);
  out.lrCrop = {(yWhole.cols - w) / 2, (yWhole.rows - h) / 2, w, h};
  const Cube y = yWhole.crop(out.lrCrop);
  const Cube x = xWhole.crop({out.lrCrop.col * s, out.lrCrop.row * s, w * s, h * s});
  // Wald's pair one level down, at up to 3 x 3 phases: the reduced pixels start at LR offsets (dr, dc) from the
  // crop's corner, so every phase is another experiment on the same scene. On a small scene one phase decides from a
  // few dozen reduced pixels; the mean error over the phases is the steadier score.
  std::vector<int> offsets;
  for (int i = 0; i < 3; ++i) {
    const int d = static_cast<int>(std::lround(i * s / 3.0));
    if (d < s && (offsets.empty() || offsets.back() != d)) offsets.push_back(d);
  }
  std::vector<Window> phases;
  for (int dr : offsets)
    for (int dc : offsets)
      if ((h - dr) / s >= kMinReducedSide && (w - dc) / s >= kMinReducedSide)
        phases.push_back({dc, dr, (w - dc) / s * s, (h - dr) / s * s});
  const bool reduced = !phases.empty();
  // The noise the reduced LR HSI lacks: Y's own (per band) less what is left of it after the kernel's averaging.
  out.lrNoise = estimateBandNoise(y);
  double kept = 0;
  for (double t : kernel.w) kept += t * t;
  std::vector<double> missingSigma;
  for (double sigma : out.lrNoise.sigma) missingSigma.push_back(sigma * std::sqrt(std::max(0.0, 1.0 - kept)));
  std::vector<std::size_t> parts;  // the blendable candidates
  for (std::size_t k = 0; k < candidates.size(); ++k)
    if (candidates[k].blendable) parts.push_back(k);
  out.measure = reduced ? fmt::format("reduced-resolution PSNR (mean error over {} phase{})", phases.size(),
                                      phases.size() > 1 ? "s" : "")
                        : "none: too few LR pixels for the reduced-resolution check, the first candidate in order of "
                          "preference";
  double best = -std::numeric_limits<double>::infinity();
  // The consistency crop: central, whole LR pixels, at most kConsistencyHrValues HR values.
  const int cc = consistencyCropLr(std::min(h, w), y.bands, s);
  const Window cw{(w - std::min(cc, w)) / 2, (h - std::min(cc, h)) / 2, std::min(cc, w), std::min(cc, h)};
  const Cube yc = y.crop(cw), xc = x.crop(scaledBy(cw, s));
  const bool blends = reduced && parts.size() >= 2;
  std::vector<Cube> partConsistency;  // the parts' results on the consistency crop, for the blend's
  for (std::size_t k = 0; k < candidates.size(); ++k) {
    StageScore score;
    score.name = candidates[k].name;
    Cube z = candidates[k].fuse(yc, xc);
    score.consistencyPsnr = consistencyPsnr(z, yc, xc, p, kernel, s);
    score.reducedPsnr = score.reducedSam = std::nan("");
    out.scores.push_back(score);
    if (blends && candidates[k].blendable) partConsistency.push_back(std::move(z));
  }
  // One phase's pair at a time (Y and X through the scene's kernel; the reference is Y on those whole reduced
  // pixels), every candidate's squared error and SAM summed over the phases' pixels. The blend's parts keep their
  // reduced results: its weights are fitted on all phases at once, then it is scored on the same pixels.
  std::vector<double> mse(candidates.size(), 0.0), sam(candidates.size(), 0.0);
  std::vector<std::vector<Cube>> partResults;
  std::optional<BlendFit> fit;
  if (blends) fit.emplace(static_cast<int>(parts.size()), y.bands);
  double pixels = 0;
  for (std::size_t i = 0; i < phases.size(); ++i) {
    const Window& ph = phases[i];
    const Cube ref = y.crop(ph), xp = x.crop(scaledBy(ph, s));
    Cube yr = blurDownsample(ref, kernel, s);
    const Cube xr = blurDownsample(xp, kernel, s);
    if (!missingSigma.empty()) addGaussianNoise(yr, missingSigma, seed + i);
    const double n = double(ref.rows) * ref.cols;
    if (blends) partResults.emplace_back();
    for (std::size_t k = 0; k < candidates.size(); ++k) {
      Cube z = candidates[k].fuse(yr, xr);
      mse[k] += cubeMse(ref, z) * n;
      sam[k] += samDegrees(ref, z) * n;
      if (blends && candidates[k].blendable) partResults.back().push_back(std::move(z));
    }
    if (blends) fit->add(partResults.back(), ref);
    pixels += n;
  }
  for (std::size_t k = 0; reduced && k < candidates.size(); ++k) {
    StageScore& score = out.scores[k];
    score.reducedPsnr = 10.0 * std::log10(1.0 / std::max(mse[k] / pixels, 1e-20));
    score.reducedSam = sam[k] / pixels;
    if (score.reducedPsnr > best) best = score.reducedPsnr, out.chosen = score.name;
  }
  if (blends) {
    for (std::size_t k : parts) out.blend.parts.push_back(candidates[k].name);
    StageScore score;
    score.name = kBlendStage;
    out.blend.weights = fit->weights();
    double blendMse = 0, blendSam = 0;
    for (std::size_t i = 0; i < phases.size(); ++i) {
      const Cube ref = y.crop(phases[i]), z = blendCubes(partResults[i], out.blend.weights);
      const double n = double(ref.rows) * ref.cols;
      blendMse += cubeMse(ref, z) * n;
      blendSam += samDegrees(ref, z) * n;
    }
    score.reducedPsnr = 10.0 * std::log10(1.0 / std::max(blendMse / pixels, 1e-20));
    score.reducedSam = blendSam / pixels;
    score.consistencyPsnr = consistencyPsnr(blendCubes(partConsistency, out.blend.weights), yc, xc, p, kernel, s);
    out.scores.push_back(score);
    if (score.reducedPsnr > best) best = score.reducedPsnr, out.chosen = score.name;
  }
  // Too small for the reduced-resolution check: the first candidate, the callers' preference from held-out evidence.
  // Consistency alone cannot rank the candidates (measured: GLP-HS fed the scene's kernel is consistent with Y by
  // construction, and it won the consistency score on a Houston case where it was 4 dB below GSA against the truth),
  // so it is reported, not used.
  if (!reduced) out.chosen = candidates.front().name;
  return out;
}

}  // namespace hsifuse
