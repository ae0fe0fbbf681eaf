#include "lib/spatial/SceneKernel.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>
#include <random>

#include "lib/core/Error.h"
#include "lib/numeric/LinearSolve.h"
#include "lib/spatial/Degradation.h"
#include "lib/spatial/KernelEstimation.h"

namespace hsifuse {
namespace {

// The least-squares system of one half of the LR pixels: residual(w) = w'Gw - 2 w'c + d over `count` samples.
struct NormalEquations {
  std::vector<double> g, c;
  double d = 0;
  std::size_t count = 0;

  explicit NormalEquations(std::size_t n) : g(n * n, 0.0), c(n, 0.0) {}
  void add(const std::vector<double>& row, double target) {
    const std::size_t n = c.size();
    for (std::size_t a = 0; a < n; ++a) {
      const double ra = row[a];
      if (ra == 0) continue;
      c[a] += ra * target;
      double* line = &g[a * n];
      for (std::size_t b = 0; b <= a; ++b) line[b] += ra * row[b];
    }
    d += target * target;
    ++count;
  }
  void symmetrise() {
    const std::size_t n = c.size();
    for (std::size_t a = 0; a < n; ++a)
      for (std::size_t b = a + 1; b < n; ++b) g[a * n + b] = g[b * n + a];
  }
  // Over the non-zero taps only: a narrow kernel in the 32 x 32 support of s = 8 has a few dozen, and the fits
  // evaluate thousands of kernels.
  double rmse(const std::vector<double>& w) const {
    const std::size_t n = c.size();
    std::vector<std::size_t> nonzero;
    nonzero.reserve(n);
    for (std::size_t a = 0; a < n; ++a)
      if (w[a] != 0) nonzero.push_back(a);
    const bool dense = 2 * nonzero.size() > n;
    double q = d;
    for (std::size_t a : nonzero) {
      const double* line = &g[a * n];
      double gw = 0;
      if (dense)
        gw = dot(line, w.data(), n);
      else
        for (std::size_t b : nonzero) gw += line[b] * w[b];
      q += w[a] * gw - 2 * w[a] * c[a];
    }
    return count ? std::sqrt(std::max(0.0, q) / count) : 0.0;
  }
  NormalEquations& operator+=(const NormalEquations& o) {
    for (std::size_t i = 0; i < g.size(); ++i) g[i] += o.g[i];
    for (std::size_t i = 0; i < c.size(); ++i) c[i] += o.c[i];
    d += o.d;
    count += o.count;
    return *this;
  }
};

// A Gaussian on a K x K support centred where lib/spatial/Degradation.h puts an LR pixel's centre, moved by (dx, dy)
// HR pixels: tap u lands on HR pixel s*i - p + u, and the centre of LR pixel i is s*i + (s-1)/2.
BlurKernel centredGaussian(int k, int s, double sx, double sy, double angleDeg, double dx = 0, double dy = 0) {
  BlurKernel out;
  out.rows = out.cols = k;
  out.w.resize(static_cast<std::size_t>(k) * k);
  const double centre = (s - 1) / 2.0 + degradationPadding(k, s);
  const double a = angleDeg * M_PI / 180.0, ca = std::cos(a), sa = std::sin(a);
  for (int r = 0; r < k; ++r)
    for (int q = 0; q < k; ++q) {
      const double x = q - centre - dx, y = r - centre - dy, u = ca * x + sa * y, v = -sa * x + ca * y;
      // Taps beyond 6.5 sigma (under 1e-9 of the peak) are left zero, which the residuals skip.
      const double e = 0.5 * (u * u / (sx * sx) + v * v / (sy * sy));
      out.w[static_cast<std::size_t>(r) * k + q] = e > 21 ? 0.0 : std::exp(-e);
    }
  out.normalise();
  return out;
}

// The free kernel: non-negative least squares on one system (lib/spatial/KernelEstimation.h) with a ridge of `ridge`
// times the mean diagonal, normalised to a blur; a fit with no positive tap (no signal) falls back to a narrow
// Gaussian.
BlurKernel leastSquaresKernel(const NormalEquations& e, int k, double ridge) {
  BlurKernel out = solveNonNegativeKernel(e.g, e.c, k, ridge);
  double sum = 0;
  for (double v : out.w) sum += v;
  if (!(sum > 0)) return centredGaussian(k, 1, 1.0, 1.0, 0.0);
  out.normalise();
  return out;
}

// The free kernel's ridge, by two-fold cross-validation inside the training half (each part fits, the other scores),
// on a grid of half decades from 1e-5 to 0.3 of the mean diagonal, walked downhill from 1e-3 (the error is near
// unimodal in the ridge; the walk costs 3-4 fits a part where the whole grid costs 9). The scene decides how much to
// trust its taps: hundreds of them fitted on a few hundred noisy LR pixels need a strong ridge, a large clean scene a
// faint one. With the former fixed ridge (1e-3, no sign constraint) the free kernel had three times the true kernel's
// held-out residual on UAL's motion kernel (native Houston at s = 4, 30 dB: 0.0206 against 0.0072), lost the check to
// an anisotropic Gaussian (0.0182) that cannot take the motion's shape, and GLP-HS fed that Gaussian ended 6 dB
// below GSA; cross-validated and non-negative the free kernel matches the truth's residual (0.0072).
double crossValidatedRidge(const NormalEquations& a, const NormalEquations& b, int k) {
  static constexpr double kRidges[] = {1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1};
  constexpr int kCount = sizeof kRidges / sizeof kRidges[0], kStart = 4;
  std::vector<double> error(kCount, std::nan(""));
  auto at = [&](int i) {
    if (std::isnan(error[i])) {
      const double ea = b.rmse(solveNonNegativeKernel(a.g, a.c, k, kRidges[i]).w);
      const double eb = a.rmse(solveNonNegativeKernel(b.g, b.c, k, kRidges[i]).w);
      error[i] = ea * ea * b.count + eb * eb * a.count;
    }
    return error[i];
  };
  int best = kStart;
  const int step = at(kStart - 1) < at(kStart) ? -1 : 1;
  while (best + step >= 0 && best + step < kCount && at(best + step) < at(best)) best += step;
  return kRidges[best];
}

// The parametric families: the Gaussian (isotropic or not) that most optics and detectors approach, and the defocus
// disk (pillbox) of an out-of-focus lens, whose sharp edge no Gaussian follows.
enum class Family { Gaussian, AnisotropicGaussian, Disk };

struct Fitted {
  BlurKernel kernel;
  std::string detail;
  // The Gaussian's axes (the disk's radius in sx), angle (degrees) and the centre's move (HR pixels).
  double sx = 0, sy = 0, angle = 0, dx = 0, dy = 0;
};

// BlurKernel::disk on a K x K support, centred as centredGaussian: its own centre is that of the support, (K - 1) / 2,
// and the LR pixel's lies (s - 1) / 2 + p from the support's corner.
BlurKernel centredDisk(int k, int s, double radius, double dx, double dy) {
  const double shift = (s - 1) / 2.0 + degradationPadding(k, s) - (k - 1) / 2.0;
  return BlurKernel::disk(k, radius, shift + dx, shift + dy);
}

BlurKernel familyKernel(Family f, int k, int s, double sx, double sy, double angle, double dx, double dy) {
  return f == Family::Disk ? centredDisk(k, s, sx, dx, dy) : centredGaussian(k, s, sx, sy, angle, dx, dy);
}

// The member of a family with the lowest residual on `e`: a coarse grid of widths (Gaussians: sigma 0.3 HR pixels to
// twice s; disks: radius 0.5 to 4 s, at most what the support holds; geometric steps of 40 %; for the anisotropic
// family every pair of axes and angles every 15 degrees) at three centres, then a pattern search from the best grid
// point (each log-width, the angle and the centre's two coordinates moved both ways, the steps halved when nothing
// improves) down to 0.5 % in width, a quarter degree and 1/64 HR pixel. The grid alone (20 % steps from s / 4) missed
// a sigma 1.35 x 0.60 kernel at s = 3 by 0.15 on the short axis, with twice the true kernel's held-out residual.
// The centre: at an even s the LR pixel's centre falls between HR pixels, where no odd kernel can be centred. A
// degradation made with an odd kernel (as most are: gdal, the UAL authors' code, bench/protocol's grid) sits half an
// HR pixel off it, and a real scene's PSF is wherever the co-registration left it. Held to the exact centre, the
// fitted Gaussians missed such a kernel by far (native Houston, issue #12's anisotropic kernel at s = 4, 30 dB:
// held-out RMSE 0.0197 against the true kernel's 0.0071), the free least-squares kernel won, and GLP-HS fed it as
// its MTF lost 6 dB to GSA. So the centre is fitted too, within half an HR pixel of the exact centre (the sampling
// phase's ambiguity; a larger offset is a misregistration, which fuse estimates as the residual shift). Allowed a
// whole pixel, a Gaussian moved off by it stood in for the off-centre motion kernels and beat the free kernel there,
// and GLP-HS fed it lost 4 dB to GSA (native Houston, UAL's motion kernel 1, 35 dB).
// `from`: a fit of the same family on part of the same pixels (the winner's refit on all of them); the pattern search
// starts there instead of at the grid's best point, which at s = 8 is most of the cost (the grid is about 2700
// evaluations of a 1024-tap quadratic form).
Fitted bestFit(const NormalEquations& e, int k, int s, Family family, const Fitted* from = nullptr) {
  const bool anisotropic = family == Family::AnisotropicGaussian, disk = family == Family::Disk;
  const double widest = disk ? std::min(4.0 * s, k / 2.0 - 1) : 2.0 * s;
  std::vector<double> widths;
  for (double v = disk ? 0.5 : 0.3; v <= widest + 1e-9; v *= 1.4) widths.push_back(v);
  auto rmse = [&](double sx, double sy, double angle, double dx, double dy) {
    return e.rmse(familyKernel(family, k, s, sx, sy, angle, dx, dy).w);
  };
  double best = std::numeric_limits<double>::infinity(), bx = widths.front(), by = bx, ba = 0, bdx = 0, bdy = 0;
  if (from) {
    bx = from->sx, by = from->sy, ba = from->angle, bdx = from->dx, bdy = from->dy;
    best = rmse(bx, by, ba, bdx, bdy);
  } else {
    for (double d : {0.0, -0.5, 0.5})
      for (double sx : widths)
        for (double sy : widths) {
          if (sy > sx || (!anisotropic && sy != sx)) continue;
          for (int angle = 0; angle < 180; angle += 15) {
            if (angle > 0 && (sy == sx || !anisotropic)) break;
            const double r = rmse(sx, sy, angle, d, d);
            if (r < best) best = r, bx = sx, by = sy, ba = angle, bdx = bdy = d;
          }
        }
  }
  const double narrowest = disk ? 0.5 : 0.2, widestMove = disk ? widest : 2.5 * s;
  double logStep = std::log(1.4) / 2, angleStep = 7.5, shiftStep = 0.25;
  while (logStep > 0.005) {
    bool moved = false;
    for (int axis = 0; axis < 5; ++axis) {
      if (!anisotropic && (axis == 1 || axis == 2)) continue;
      for (double sign : {-1.0, 1.0}) {
        double sx = bx, sy = by, a = ba, dx = bdx, dy = bdy;
        if (axis == 0) sx *= std::exp(sign * logStep);
        if (axis == 0 && !anisotropic) sy = sx;
        if (axis == 1) sy *= std::exp(sign * logStep);
        if (axis == 2) a = std::fmod(a + sign * angleStep + 180.0, 180.0);
        if (axis == 3) dx += sign * shiftStep;
        if (axis == 4) dy += sign * shiftStep;
        if (std::min(sx, sy) < narrowest || std::max(sx, sy) > widestMove || std::fabs(dx) > 0.5 || std::fabs(dy) > 0.5)
          continue;
        const double r = rmse(sx, sy, a, dx, dy);
        if (r < best) best = r, bx = sx, by = sy, ba = a, bdx = dx, bdy = dy, moved = true;
      }
    }
    if (!moved) logStep /= 2, angleStep /= 2, shiftStep /= 2;
  }
  if (by > bx) std::swap(bx, by), ba = std::fmod(ba + 90.0, 180.0);  // the long axis first, as the grid reports it
  std::string detail = disk          ? fmt::format("radius {:.2f}", bx)
                       : anisotropic ? fmt::format("sigma {:.2f} x {:.2f}, {:.0f} deg", bx, by, ba)
                                     : fmt::format("sigma {:.2f}", bx);
  if (bdx != 0 || bdy != 0) detail += fmt::format(", centre moved {:+.2f}, {:+.2f} px", bdx, bdy);
  return {familyKernel(family, k, s, bx, by, ba, bdx, bdy), detail, bx, by, ba, bdx, bdy};
}

}  // namespace

SceneKernel chooseSceneKernel(const Cube& x, const Cube& py, int s, const std::vector<std::uint8_t>& lrValid,
                              int maxSamples, std::uint64_t seed) {
  if (s < 1) throw InputError("the scale must be at least 1");
  if (x.bands != py.bands || py.rows * s > x.rows || py.cols * s > x.cols)
    throw InputError("kernel choice: the MSI and P Y do not match");
  if (!lrValid.empty() && lrValid.size() != py.planeSize()) throw Error("kernel choice: the LR mask does not match");
  // The support: 4 s taps (the paper's k = 4s), at most 32 (a 1024 x 1024 system), never under s.
  const int k = std::max(s, std::min(4 * s, std::max(32 / s, 1) * s));
  const int p = degradationPadding(k, s);
  const std::size_t n = static_cast<std::size_t>(k) * k;
  // (pixel, band) samples, a random subset when there are more than maxSamples.
  std::vector<std::size_t> samples;
  for (std::size_t i = 0; i < py.planeSize(); ++i)
    if (lrValid.empty() || lrValid[i])
      for (int b = 0; b < py.bands; ++b) samples.push_back(i * py.bands + b);
  if (samples.size() < 8) throw InputError("kernel choice: fewer than 8 valid LR samples");
  if (samples.size() > static_cast<std::size_t>(maxSamples)) {
    std::mt19937_64 rng(seed);
    std::shuffle(samples.begin(), samples.end(), rng);
    samples.resize(maxSamples);
  }
  // The training half is kept as two parts (alternate rows of its checkerboard) for the free kernel's ridge.
  NormalEquations trainA(n), trainB(n), held(n);
  std::vector<double> row(n);
  for (std::size_t sample : samples) {
    const std::size_t pixel = sample / py.bands;
    const int b = static_cast<int>(sample % py.bands);
    const int i = static_cast<int>(pixel / py.cols), j = static_cast<int>(pixel % py.cols);
    for (int u = 0; u < k; ++u) {
      const int r = std::clamp(s * i - p + u, 0, x.rows - 1);
      for (int v = 0; v < k; ++v) row[u * k + v] = x.at(b, r, std::clamp(s * j - p + v, 0, x.cols - 1));
    }
    ((i + j) % 2 != 0 ? held : i % 2 == 0 ? trainA : trainB).add(row, py.at(b, i, j));
  }
  trainA.symmetrise();
  trainB.symmetrise();
  held.symmetrise();
  NormalEquations train = trainA;
  train += trainB;
  if (held.count == 0 || train.count == 0) throw InputError("kernel choice: the scene is too small to hold pixels out");

  SceneKernel out;
  out.taps = k;
  NormalEquations all = train;
  all += held;
  // Two-fold cross-validation: a fitted candidate is fitted on each half and scored on the other, a fixed one on every
  // pixel, so every LR pixel scores every candidate once. Scored on one half alone, the choice rested on half the
  // pixels, which on a small scene is too few: CAVE-like Moffett under a defocus disk at s = 8 (6 x 6 LR pixels) put
  // the MTF-matched Gaussian, centred half an HR pixel off the blur, above the Gaussian fitted on the scene, and the
  // first stage fed it lost 2.7 dB.
  const auto allPixels = std::make_shared<const NormalEquations>(all);
  out.heldOutRmse = [allPixels, k, s](const BlurKernel& kernel) {
    return allPixels->rmse(embedKernel(kernel, k, s).w);
  };
  auto crossValidated = [&](const BlurKernel& fitOnTrain, const BlurKernel& fitOnHeld) {
    const double a = held.rmse(fitOnTrain.w), b = train.rmse(fitOnHeld.w);
    return std::sqrt((a * a * held.count + b * b * train.count) / static_cast<double>(held.count + train.count));
  };
  auto consider = [&](const std::string& name, const BlurKernel& kernel, const std::string& detail) {
    out.candidates.push_back({name, kernel, all.rmse(kernel.w), detail});
  };
  auto considerFitted = [&](const std::string& name, const BlurKernel& fitOnTrain, const BlurKernel& fitOnHeld,
                            const std::string& detail) {
    out.candidates.push_back({name, fitOnTrain, crossValidated(fitOnTrain, fitOnHeld), detail});
  };
  consider("ual8", embedKernel(BlurKernel::ualPredefined(), k, s), "8 x 8, sigma 1.73 (UAL's predefined kernel)");
  const BlurKernel mtf = mtfGaussian(s);
  if (std::max(mtf.rows, mtf.cols) <= k) consider("mtf-gaussian", embedKernel(mtf, k, s), "MTF gain 0.29 at Nyquist");
  // The parametric families; the fit on the held half starts from the one on the training half (no grid).
  const std::pair<Family, const char*> families[] = {
      {Family::Gaussian, "gaussian"}, {Family::AnisotropicGaussian, "anisotropic-gaussian"}, {Family::Disk, "disk"}};
  std::vector<Fitted> fits;
  for (const auto& [family, name] : families) {
    fits.push_back(bestFit(train, k, s, family));
    considerFitted(name, fits.back().kernel, bestFit(held, k, s, family, &fits.back()).kernel, fits.back().detail);
  }
  // Both parts are needed to cross-validate the ridge; a scene with one training row has a fixed one.
  const double ridge = trainA.count && trainB.count ? crossValidatedRidge(trainA, trainB, k) : 1e-3;
  considerFitted("least-squares", leastSquaresKernel(train, k, ridge), leastSquaresKernel(held, k, ridge),
                 fmt::format("{} x {} non-negative taps, ridge {:g}", k, k, ridge));

  const auto best = std::min_element(
      out.candidates.begin(), out.candidates.end(),
      [](const KernelCandidate& a, const KernelCandidate& b) { return a.heldOutRmse < b.heldOutRmse; });
  out.name = best->name;
  // The winner's family refitted on every pixel (fixed kernels stay as they are).
  for (std::size_t f = 0; f < fits.size(); ++f)
    if (out.name == families[f].second) out.kernel = bestFit(all, k, s, families[f].first, &fits[f]).kernel;
  if (out.name == "least-squares")
    out.kernel = leastSquaresKernel(all, k, ridge);
  else if (out.kernel.w.empty())
    out.kernel = best->kernel;
  return out;
}

bool SceneKernel::offer(const std::string& candidateName, const BlurKernel& k, const std::string& detail, int s) {
  const double rmse = heldOutRmse(k);
  candidates.push_back({candidateName, embedKernel(k, taps, s), rmse, detail});
  for (const KernelCandidate& c : candidates)
    if (c.heldOutRmse < rmse) return false;
  name = candidateName;
  kernel = candidates.back().kernel;
  return true;
}

void SceneKernel::impose(const std::string& candidateName, const BlurKernel& k, const std::string& detail) {
  double rmse = std::numeric_limits<double>::quiet_NaN();
  try {
    if (heldOutRmse) rmse = heldOutRmse(k);
  } catch (const Error&) {
    // Larger than the support the candidates were scored in: no comparable residual.
  }
  candidates.push_back({candidateName, k, rmse, detail});
  name = candidateName;
  kernel = k;
}

}  // namespace hsifuse
