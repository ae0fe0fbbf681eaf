#include "lib/spatial/BlurKernel.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "lib/core/Error.h"
#include "lib/core/Text.h"

namespace hsifuse {

BlurKernel BlurKernel::anisotropicGaussian(int size, double sigmaX, double sigmaY, double angleDeg) {
  if (size < 1 || size > 255) throw InputError(fmt::format("kernel size {} is out of range (1..255)", size));
  if (!(sigmaX > 0) || !(sigmaY > 0)) throw InputError("kernel sigma must be positive");
  BlurKernel k;
  k.rows = k.cols = size;
  k.w.resize(static_cast<std::size_t>(size) * size);
  const double c = (size - 1) / 2.0, a = angleDeg * M_PI / 180.0, ca = std::cos(a), sa = std::sin(a);
  for (int r = 0; r < size; ++r)
    for (int q = 0; q < size; ++q) {
      const double x = q - c, y = r - c;
      const double u = ca * x + sa * y, v = -sa * x + ca * y;
      k.w[r * size + q] = std::exp(-0.5 * (u * u / (sigmaX * sigmaX) + v * v / (sigmaY * sigmaY)));
    }
  k.normalise();
  return k;
}

BlurKernel BlurKernel::gaussian(int size, double sigma) {
  return anisotropicGaussian(size, sigma, sigma, 0.0);
}

BlurKernel BlurKernel::ualPredefined() {
  return gaussian(8, std::sqrt(3.0));
}

std::string BlurKernel::toCsv() const {
  std::string out;
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) out += (c ? "," : "") + fmt::format("{:.10g}", at(r, c));
    out += "\n";
  }
  return out;
}

BlurKernel BlurKernel::disk(int size, double radius, double dx, double dy) {
  if (size < 1 || size > 255) throw InputError(fmt::format("kernel size {} is out of range (1..255)", size));
  if (!(radius > 0)) throw InputError("the disk radius must be positive");
  BlurKernel k;
  k.rows = k.cols = size;
  k.w.assign(static_cast<std::size_t>(size) * size, 0.0);
  const double c = (size - 1) / 2.0;
  constexpr int kSub = 8;
  for (int r = 0; r < size; ++r)
    for (int q = 0; q < size; ++q) {
      const double y0 = r - c - dy, x0 = q - c - dx;
      if (std::fabs(y0) > radius + 1 || std::fabs(x0) > radius + 1) continue;  // wholly outside
      for (int i = 0; i < kSub; ++i)
        for (int j = 0; j < kSub; ++j) {
          const double y = y0 + (i + 0.5) / kSub - 0.5, x = x0 + (j + 0.5) / kSub - 0.5;
          if (x * x + y * y <= radius * radius) k.w[r * size + q] += 1.0;
        }
    }
  k.normalise();
  return k;
}

BlurKernel BlurKernel::box(int size) {
  BlurKernel k;
  k.rows = k.cols = size;
  k.w.assign(static_cast<std::size_t>(size) * size, 1.0 / (double(size) * size));
  return k;
}

BlurKernel BlurKernel::fromCsv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot open the kernel file");
  BlurKernel k;
  std::string line;
  while (std::getline(in, line)) {
    if (trim(line).empty() || trim(line)[0] == '#') continue;
    auto row = parseNumberList(line, path);
    if (k.cols == 0) k.cols = static_cast<int>(row.size());
    if (static_cast<int>(row.size()) != k.cols) throw InputError(path + ": kernel rows have different lengths");
    k.w.insert(k.w.end(), row.begin(), row.end());
    ++k.rows;
  }
  if (k.rows == 0) throw InputError(path + ": empty kernel file");
  k.normalise();
  return k;
}

BlurKernel BlurKernel::parse(const std::string& spec) {
  auto parts = split(spec, ':');
  const std::string kind = toLower(parts[0]);
  if (kind == "ual8" && parts.size() == 1) return ualPredefined();
  if (kind == "gauss" && parts.size() == 3)
    return gaussian(parseInt(parts[1], "--kernel size"), parseDouble(parts[2], "--kernel sigma"));
  if (kind == "aniso" && parts.size() == 5)
    return anisotropicGaussian(parseInt(parts[1], "--kernel size"), parseDouble(parts[2], "--kernel sigma x"),
                               parseDouble(parts[3], "--kernel sigma y"), parseDouble(parts[4], "--kernel angle"));
  if (kind == "disk" && parts.size() == 3)
    return disk(parseInt(parts[1], "--kernel size"), parseDouble(parts[2], "--kernel radius"));
  if (std::filesystem::exists(spec)) return fromCsv(spec);
  throw InputError(
      "--kernel: '" + spec +
      "' is not a kernel (gauss:SIZE:SIGMA, aniso:SIZE:SX:SY:ANGLE, disk:SIZE:RADIUS, ual8, or a CSV file)");
}

void BlurKernel::normalise() {
  double s = 0;
  for (double v : w) s += v;
  if (!(s > 0)) throw InputError("the blur kernel does not sum to a positive value");
  for (double& v : w) v /= s;
}

BlurKernel mtfGaussian(int scale, double nyquistGain) {
  if (!(nyquistGain > 0 && nyquistGain < 1)) throw InputError("the MTF gain at Nyquist must lie between 0 and 1");
  const double sigma = scale * std::sqrt(-2 * std::log(nyquistGain)) / M_PI;
  const int half = std::max(1, static_cast<int>(std::ceil(3 * sigma)));
  return BlurKernel::gaussian(2 * half + 1, sigma);
}

}  // namespace hsifuse
