#include "lib/spatial/RandomKernel.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "lib/core/Error.h"
#include "lib/spatial/SeparableFilter.h"

namespace hsifuse {
namespace {

int oddSupport(double halfWidth, int scale) {
  const int maxSize = 4 * scale + 1;
  int size = 2 * static_cast<int>(std::ceil(halfWidth)) + 1;
  return std::clamp(size, 3, std::max(3, maxSize));
}

double uniform(std::mt19937_64& rng, double lo, double hi) {
  return std::uniform_real_distribution<double>(lo, hi)(rng);
}

// Bilinear splat of weight w at (row, col) into k (points outside are dropped).
void splat(BlurKernel& k, double row, double col, double w) {
  const int r0 = static_cast<int>(std::floor(row)), c0 = static_cast<int>(std::floor(col));
  const double fr = row - r0, fc = col - c0;
  for (int dr = 0; dr < 2; ++dr)
    for (int dc = 0; dc < 2; ++dc) {
      const int r = r0 + dr, c = c0 + dc;
      if (r < 0 || c < 0 || r >= k.rows || c >= k.cols) continue;
      k.w[static_cast<std::size_t>(r) * k.cols + c] += w * (dr ? fr : 1 - fr) * (dc ? fc : 1 - fc);
    }
}

}  // namespace

KernelFamily parseKernelFamily(const std::string& name, const std::string& option) {
  if (name == "gaussian") return KernelFamily::Gaussian;
  if (name == "anisotropic") return KernelFamily::Anisotropic;
  if (name == "disk") return KernelFamily::Disk;
  if (name == "motion") return KernelFamily::Motion;
  throw InputError(fmt::format("{}: '{}' is not a kernel family (gaussian, anisotropic, disk, motion)", option, name));
}

std::string kernelFamilyName(KernelFamily family) {
  switch (family) {
    case KernelFamily::Gaussian:
      return "gaussian";
    case KernelFamily::Anisotropic:
      return "anisotropic";
    case KernelFamily::Disk:
      return "disk";
    case KernelFamily::Motion:
      return "motion";
  }
  return "?";
}

std::pair<double, double> kernelCentroid(const BlurKernel& k) {
  double sum = 0, r = 0, c = 0;
  for (int i = 0; i < k.rows; ++i)
    for (int j = 0; j < k.cols; ++j) {
      sum += k.at(i, j);
      r += i * k.at(i, j);
      c += j * k.at(i, j);
    }
  return {r / sum - (k.rows - 1) / 2.0, c / sum - (k.cols - 1) / 2.0};
}

BlurKernel motionKernel(int size, double length, double wobble, double sigma, std::mt19937_64& rng) {
  if (size < 3 || size > 255) throw InputError(fmt::format("motion kernel size {} is out of range (3..255)", size));
  if (!(length > 0)) throw InputError("the motion length must be positive");
  // The trajectory in steps of a quarter pixel, then moved so that its mean point is the kernel centre.
  constexpr double kStep = 0.25;
  const int n = std::max(2, static_cast<int>(std::ceil(length / kStep)) + 1);
  std::normal_distribution<double> turn(0.0, wobble * std::sqrt(kStep));
  double heading = uniform(rng, 0, 2 * M_PI), y = 0, x = 0, my = 0, mx = 0;
  std::vector<std::pair<double, double>> path;
  path.reserve(n);
  for (int i = 0; i < n; ++i) {
    path.emplace_back(y, x);
    my += y;
    mx += x;
    heading += turn(rng);
    y += kStep * std::sin(heading);
    x += kStep * std::cos(heading);
  }
  my /= n;
  mx /= n;
  BlurKernel k;
  k.rows = k.cols = size;
  k.w.assign(static_cast<std::size_t>(size) * size, 0.0);
  const double centre = (size - 1) / 2.0;
  for (const auto& [py, px] : path) splat(k, centre + py - my, centre + px - mx, 1.0);
  if (sigma > 0) {  // the optics behind the motion: a Gaussian over the splatted path, zero outside the support
    const int h = static_cast<int>(std::ceil(3 * sigma));
    std::vector<double> g(2 * h + 1);
    for (int t = -h; t <= h; ++t) g[t + h] = std::exp(-0.5 * t * t / (sigma * sigma));
    k.w = filterSeparable(k.w, size, size, g, g, h, h, FilterBorder::Zero);
  }
  k.normalise();
  return k;
}

BlurKernel randomKernel(KernelFamily family, int scale, std::mt19937_64& rng) {
  if (scale < 1) throw InputError("the scale must be at least 1");
  const double s = scale;
  auto sigma = [&] { return std::max(0.5, uniform(rng, 0.2 * s, 0.7 * s)); };
  switch (family) {
    case KernelFamily::Gaussian: {
      const double sg = sigma();
      return BlurKernel::gaussian(oddSupport(3 * sg, scale), sg);
    }
    case KernelFamily::Anisotropic: {
      const double sx = sigma(), sy = sigma(), angle = uniform(rng, 0, 180);
      return BlurKernel::anisotropicGaussian(oddSupport(3 * std::max(sx, sy), scale), sx, sy, angle);
    }
    case KernelFamily::Disk: {
      const double radius = std::max(1.0, uniform(rng, 0.4 * s, 1.1 * s));
      return BlurKernel::disk(oddSupport(radius + 1, scale), radius);
    }
    case KernelFamily::Motion: {
      const double length = std::max(2.0, uniform(rng, 0.5 * s, 2.0 * s));
      const int size = oddSupport(length / 2 + 2, scale);
      return motionKernel(size, std::min(length, size - 3.0), 0.6, 0.5, rng);
    }
  }
  throw Error("randomKernel: unknown family");
}

}  // namespace hsifuse
