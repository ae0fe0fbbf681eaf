#include "lib/spatial/ShiftEstimation.h"

#include <cmath>

#include "lib/core/Error.h"
#include "lib/numeric/Fft.h"
#include "lib/spatial/BlurKernel.h"
#include "lib/spatial/Degradation.h"
#include "lib/spatial/Resampling.h"

namespace hsifuse {
namespace {

std::vector<double> bandMean(const Cube& c) {
  std::vector<double> m(c.planeSize(), 0.0);
  for (int b = 0; b < c.bands; ++b)
    for (std::size_t i = 0; i < m.size(); ++i) m[i] += c.band(b)[i] / c.bands;
  return m;
}

// The parabola vertex through (-1, a), (0, b), (1, c), clamped to half a pixel.
double vertex(double a, double b, double c) {
  const double den = a - 2 * b + c;
  return den < 0 ? std::clamp(0.5 * (a - c) / den, -0.5, 0.5) : 0.0;
}

}  // namespace

ShiftEstimate phaseCorrelation(const std::vector<double>& reference, const std::vector<double>& moving, int rows,
                               int cols) {
  ComplexPlane a(reference.size()), b(moving.size());
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < reference.size(); ++i) ma += reference[i], mb += moving[i];
  ma /= reference.size();
  mb /= moving.size();
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      const double w =
          (0.5 - 0.5 * std::cos(2 * M_PI * (r + 0.5) / rows)) * (0.5 - 0.5 * std::cos(2 * M_PI * (c + 0.5) / cols));
      const std::size_t i = static_cast<std::size_t>(r) * cols + c;
      a[i] = w * (reference[i] - ma);
      b[i] = w * (moving[i] - mb);
    }
  fft2d(a, rows, cols, false);
  fft2d(b, rows, cols, false);
  ComplexPlane cross(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    cross[i] = a[i] * std::conj(b[i]);
    const double mag = std::abs(cross[i]);
    a[i] = mag > 1e-30 ? cross[i] / mag : 0.0;
  }
  fft2d(a, rows, cols, true);
  std::size_t best = 0;
  for (std::size_t i = 1; i < a.size(); ++i)
    if (a[i].real() > a[best].real()) best = i;
  const int pr = static_cast<int>(best / cols), pc = static_cast<int>(best % cols);
  auto at = [&](int r, int c) {
    return a[static_cast<std::size_t>((r + rows) % rows) * cols + (c + cols) % cols].real();
  };
  ShiftEstimate e;
  e.peak = at(pr, pc);
  e.dy = (pr > rows / 2 ? pr - rows : pr) + vertex(at(pr - 1, pc), e.peak, at(pr + 1, pc));
  e.dx = (pc > cols / 2 ? pc - cols : pc) + vertex(at(pr, pc - 1), e.peak, at(pr, pc + 1));
  // Refine on the phase of the cross-power spectrum: a shift d multiplies it by exp(-2 pi i (kx dx / W +
  // ky dy / H)). After removing the current estimate, the residual phase over the lower half of the
  // frequencies (weighted by the cross-power magnitude) is a plane whose slope is the remaining shift.
  // The parabola alone is biased towards whole pixels on the peaked correlation surface.
  for (int iteration = 0; iteration < 3; ++iteration) {
    double sxx = 0, sxy = 0, syy = 0, bx = 0, by = 0;
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < cols; ++c) {
        const int ky = r > rows / 2 ? r - rows : r, kx = c > cols / 2 ? c - cols : c;
        if ((kx == 0 && ky == 0) || std::abs(kx) > cols / 4 || std::abs(ky) > rows / 4) continue;
        const double fx = 2 * M_PI * kx / cols, fy = 2 * M_PI * ky / rows;
        const auto v = cross[static_cast<std::size_t>(r) * cols + c] * std::polar(1.0, fx * e.dx + fy * e.dy);
        const double w = std::abs(v);
        if (w <= 0) continue;
        const double phase = -std::arg(v);  // = fx * ddx + fy * ddy
        sxx += w * fx * fx;
        sxy += w * fx * fy;
        syy += w * fy * fy;
        bx += w * fx * phase;
        by += w * fy * phase;
      }
    const double det = sxx * syy - sxy * sxy;
    if (!(std::fabs(det) > 0)) break;
    const double ddx = (syy * bx - sxy * by) / det, ddy = (sxx * by - sxy * bx) / det;
    e.dx += std::clamp(ddx, -1.0, 1.0);
    e.dy += std::clamp(ddy, -1.0, 1.0);
    if (std::hypot(ddx, ddy) < 1e-3) break;
  }
  return e;
}

ShiftEstimate estimateShift(const Cube& msi, const Cube& lr, const std::vector<std::vector<double>>& p, int s) {
  if (msi.rows < 16 || msi.cols < 16) throw InputError("shift estimation needs at least 16 x 16 HR pixels");
  // On the LR grid, where the HSI's information is: the MSI's s x s block means (centred on the LR pixel
  // centres, like the HSI's symmetric blur, so blur changes no phase) against P Y.
  const Cube xl = blockMean(msi, s), py = projectSpectrally(lr, p);
  ShiftEstimate e = phaseCorrelation(bandMean(xl), bandMean(py), py.rows, py.cols);
  e.dx *= s;
  e.dy *= s;
  return e;
}

}  // namespace hsifuse
