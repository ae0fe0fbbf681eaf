#pragma once
// Universal image quality indices of ../shared/specs/metrics-and-quality.md sections 1.4, 2.6 and 2.7:
// Wang-Bovik UIQI (sliding box window), the toolbox's block Q (uqi), and Garzelli-Nencini Q2^n
// (q2n.m with onions_quality.m). All run in double precision.
#include <cstdint>
#include <functional>
#include <vector>

#include "lib/core/Cube.h"
#include "lib/core/PixelMask.h"

namespace hsifuse {

// UIQI (img_qi.m): SSIM with C1 = C2 = 0 on a sliding `window` x `window` box, 'valid' positions,
// with img_qi's special cases for flat windows; the mean map per band, then the mean over bands.
// Windows holding an invalid pixel are left out; NaN when every window holds one (a metric that cannot be
// computed on this mask, not an error: the pixel-wise metrics still can).
double uiqi(const Cube& g, const Cube& f, int window, const PixelMask& valid = {});

// The toolbox's Q from means and unbiased (co)variances: 4 Cxy mx my / ((Cxx + Cyy)(mx^2 + my^2)).
// A zero denominator gives 1 for two equal flat blocks, else 0 (the toolbox would give NaN; the spec's guard).
double qFromMoments(double mx, double my, double cxx, double cyy, double cxy);
// Q of two equally long vectors.
double qIndex(const double* x, const double* y, std::size_t n);

// Q averaged over non-overlapping block x block tiles of two single-band planes (rows x cols);
// the ragged border is left out (the toolbox requires multiples; we crop). Used by QNR.
double blockQ(const float* x, const float* y, int rows, int cols, int block);

struct Q2nOptions {
  Q2nOptions(int block = 32, int step = 32, bool cast = false, std::function<bool()> keep = {})
      : blockSize(block), shift(step), castToUint16(cast), keepGoing(std::move(keep)) {}
  int blockSize = 32;
  int shift = 32;
  // q2n.m casts to uint16 (rounding, saturating): right for DN or x255 data, wrong for [0, 1] data.
  bool castToUint16 = false;
  // Polled between blocks (one thread at a time); returning false stops the computation with Interrupted, so a
  // Ctrl-C lands within a few blocks, not after the whole cube.
  std::function<bool()> keepGoing;
};
// Q2^n: blocks of blockSize with the given shift over the mirror-padded cube, bands padded with zero
// bands up to a power of two, the hypercomplex quality of each block (onions_quality.m), and the mean
// over blocks of its modulus. Blocks holding an invalid pixel are left out; NaN when every block holds one.
double q2n(const Cube& g, const Cube& f, const Q2nOptions& options = {}, const PixelMask& valid = {});

}  // namespace hsifuse
