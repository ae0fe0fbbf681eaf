#pragma once
// A 2-D blur kernel k of the degradation model Y = (Z * k) downsampled by s, normalised to sum 1.
#include <string>
#include <vector>

namespace hsifuse {

struct BlurKernel {
  int rows = 0;
  int cols = 0;
  std::vector<double> w;  // row-major, sums to 1

  double at(int r, int c) const { return w[static_cast<std::size_t>(r) * cols + c]; }

  // Isotropic Gaussian, centred on the kernel's centre ((size-1)/2).
  static BlurKernel gaussian(int size, double sigma);
  // Anisotropic Gaussian with standard deviations along its own axes, rotated by `angleDeg`.
  static BlurKernel anisotropicGaussian(int size, double sigmaX, double sigmaY, double angleDeg);
  // The predefined degeneration of the UAL paper (and NSSR/CMS): 8x8 Gaussian with sigma sqrt(3).
  static BlurKernel ualPredefined();
  // The kernel as CSV, one kernel row per line (what fromCsv reads).
  std::string toCsv() const;
  // A defocus (pillbox) disk of `radius` HR pixels, centred (or moved by dx, dy HR pixels right and down), each tap
  // weighted by the share of its pixel inside the disk (8 x 8 subsamples), so small radii are not all-or-nothing and
  // the radius and centre move it smoothly.
  static BlurKernel disk(int size, double radius, double dx = 0, double dy = 0);
  // A size x size averaging (box) kernel.
  static BlurKernel box(int size);
  // A CSV of numbers, one kernel row per line, no header (like ../shared/data/kernels/).
  static BlurKernel fromCsv(const std::string& path);
  // "gauss:SIZE:SIGMA", "aniso:SIZE:SX:SY:ANGLE", "disk:SIZE:RADIUS", "ual8" or a CSV path. Throws InputError.
  static BlurKernel parse(const std::string& spec);

  void normalise();  // throws InputError when the sum is not positive
};

// The Gaussian matched to a sensor MTF gain G at Nyquist: sigma = s sqrt(-2 ln G) / pi HR pixels,
// truncated at +-3 sigma (odd size), normalised to sum 1. Hyperion's MTF is not published: G = 0.29.
BlurKernel mtfGaussian(int scale, double nyquistGain = 0.29);

}  // namespace hsifuse
