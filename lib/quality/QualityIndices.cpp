#include "lib/quality/QualityIndices.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cfloat>
#include <cmath>

#include "lib/core/Error.h"
#include "lib/quality/Metrics.h"

namespace hsifuse {
namespace {

// Summed-area table with one extra zero row and column: sum over [r0, r1) x [c0, c1).
class IntegralImage {
 public:
  template <typename Fn>
  IntegralImage(int rows, int cols, Fn value)
      : cols_(cols + 1), s_(static_cast<std::size_t>(rows + 1) * (cols + 1), 0.0) {
    for (int r = 0; r < rows; ++r) {
      double run = 0;
      for (int c = 0; c < cols; ++c) {
        run += value(static_cast<std::size_t>(r) * cols + c);
        at(r + 1, c + 1) = at(r, c + 1) + run;
      }
    }
  }
  double sum(int r0, int c0, int r1, int c1) const { return at(r1, c1) - at(r0, c1) - at(r1, c0) + at(r0, c0); }

 private:
  double& at(int r, int c) { return s_[static_cast<std::size_t>(r) * cols_ + c]; }
  double at(int r, int c) const { return s_[static_cast<std::size_t>(r) * cols_ + c]; }
  int cols_;
  std::vector<double> s_;
};

void requireMask(const PixelMask& valid, const Cube& g) {
  if (!valid.empty() && valid.size() != g.planeSize())
    throw Error(fmt::format("pixel mask has {} entries for {} pixels", valid.size(), g.planeSize()));
}

}  // namespace

double qFromMoments(double mx, double my, double cxx, double cyy, double cxy) {
  const double den = (cxx + cyy) * (mx * mx + my * my);
  if (den == 0) return cxx == 0 && cyy == 0 && mx == my ? 1.0 : 0.0;
  return 4 * cxy * mx * my / den;
}

namespace {

// --- Q2n ------------------------------------------------------------------------------------------

// One operand of the Cayley-Dickson ("onion") product: components [offset, offset + n) of one of the two
// hypercomplex blocks, the first component multiplied by signFirst and the others by signTail.
struct OnionOperand {
  int source;  // 0: reference block, 1: estimate block
  int offset;
  double signFirst, signTail;
  OnionOperand head(int) const { return {source, offset, signFirst, signTail}; }
  OnionOperand tail(int half) const { return {source, offset + half, signTail, signTail}; }
  OnionOperand conj() const { return {source, offset, signFirst, -signTail}; }
};

// Adds sign * (a (x) b) to out[outOffset ...], where the product of two scalar components is read from
// pair(i, j) = <reference component i, estimate component j>: the product is bilinear, so the mean over
// pixels of the per-pixel products equals the product applied to the matrix of mean cross products.
// The recursion is onion_mult.m's: a = (A, B), b = (C, D) with the tails of B and D negated, then
// (A C - D conj(B), conj(A) D + C B).
template <typename Pair>
void onionProduct(const OnionOperand& a, const OnionOperand& b, int n, double sign, double* out, const Pair& pair) {
  if (n == 1) {
    const double v = a.source == 0 ? pair(a.offset, b.offset) : pair(b.offset, a.offset);
    out[0] += sign * a.signFirst * b.signFirst * v;
    return;
  }
  const int half = n / 2;
  const OnionOperand A = a.head(half), B = a.tail(half).conj(), C = b.head(half), D = b.tail(half).conj();
  onionProduct(A, C, half, sign, out, pair);
  onionProduct(D, B.conj(), half, -sign, out, pair);
  onionProduct(A.conj(), D, half, sign, out + half, pair);
  onionProduct(C, B, half, sign, out + half, pair);
}

// onions_quality.m on one block: `ref` and `est` hold nb planes of m pixels each (nb a power of two).
double onionsQuality(std::vector<double>& ref, std::vector<double>& est, int nb, std::size_t m) {
  // Conjugate the estimate, then normalise each band by the reference block's mean and std (as the
  // toolbox does, including its test of the *mean* against zero).
  for (int i = 1; i < nb; ++i)
    for (std::size_t p = 0; p < m; ++p) est[i * m + p] = -est[i * m + p];
  std::vector<double> m1(nb), m2(nb);
  std::vector<bool> constant(nb);
  for (int i = 0; i < nb; ++i) {
    double* x = &ref[i * m];
    double* y = &est[i * m];
    double mean = 0;
    for (std::size_t p = 0; p < m; ++p) mean += x[p];
    mean /= m;
    double var = 0;
    for (std::size_t p = 0; p < m; ++p) var += (x[p] - mean) * (x[p] - mean);
    double sd = std::sqrt(var / (m - 1));
    if (sd == 0) sd = DBL_EPSILON;
    for (std::size_t p = 0; p < m; ++p) x[p] = (x[p] - mean) / sd + 1;
    const double sign = i == 0 ? 1.0 : -1.0;
    for (std::size_t p = 0; p < m; ++p) {
      const double v = sign * y[p];
      y[p] = sign * (mean == 0 ? v - mean + 1 : (v - mean) / sd + 1);
    }
    double s1 = 0, s2 = 0;
    bool flat = true;
    for (std::size_t p = 0; p < m; ++p) {
      s1 += x[p];
      s2 += y[p];
      flat = flat && x[p] == x[0] && y[p] == y[0];
    }
    m1[i] = s1 / m;
    m2[i] = s2 / m;
    constant[i] = flat;
  }
  double q1m = 0, q2m = 0, q1sq = 0, q2sq = 0;
  for (int i = 0; i < nb; ++i) {
    q1m += m1[i] * m1[i];
    q2m += m2[i] * m2[i];
    for (std::size_t p = 0; p < m; ++p) {
      q1sq += ref[i * m + p] * ref[i * m + p];
      q2sq += est[i * m + p] * est[i * m + p];
    }
  }
  const double k = double(m) / (m - 1);
  const double t3 = k * q1sq / m + k * q2sq / m - k * (q1m + q2m);
  const double meanBias = 2 * std::sqrt(q1m) * std::sqrt(q2m) / (q1m + q2m);
  if (t3 == 0) return std::fabs(meanBias);

  // Mean cross products of the reference and estimate components (padded bands are constant: cheap). These
  // nb^2 x m products are nearly all of Q2n's time at 200+ bands: four reference rows at a time against each
  // estimate row (the four stay in L1 while the estimate streams), vectorised.
  std::vector<double> cross(static_cast<std::size_t>(nb) * nb);
  std::vector<int> varying;
  for (int j = 0; j < nb; ++j)
    if (!constant[j]) varying.push_back(j);
  for (int i = 0; i < nb; ++i)
    for (int j = 0; j < nb; ++j)
      if (constant[i])
        cross[static_cast<std::size_t>(i) * nb + j] = ref[i * m] * m2[j];
      else if (constant[j])
        cross[static_cast<std::size_t>(i) * nb + j] = est[j * m] * m1[i];
  for (std::size_t v0 = 0; v0 < varying.size(); v0 += 4) {
    const int rowsHere = static_cast<int>(std::min<std::size_t>(4, varying.size() - v0));
    const double* x[4];
    for (int a = 0; a < 4; ++a) x[a] = &ref[static_cast<std::size_t>(varying[v0 + std::min(a, rowsHere - 1)]) * m];
    for (const int j : varying) {
      const double* y = &est[static_cast<std::size_t>(j) * m];
      double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
#pragma omp simd reduction(+ : s0, s1, s2, s3)
      for (std::size_t p = 0; p < m; ++p) {
        s0 += x[0][p] * y[p];
        s1 += x[1][p] * y[p];
        s2 += x[2][p] * y[p];
        s3 += x[3][p] * y[p];
      }
      const double sums[4] = {s0, s1, s2, s3};
      for (int a = 0; a < rowsHere; ++a) cross[static_cast<std::size_t>(varying[v0 + a]) * nb + j] = sums[a] / m;
    }
  }
  std::vector<double> qu(nb, 0.0), qm(nb, 0.0);
  const OnionOperand a{0, 0, 1.0, 1.0}, b{1, 0, 1.0, 1.0};
  onionProduct(a, b, nb, 1.0, qu.data(), [&](int i, int j) { return cross[static_cast<std::size_t>(i) * nb + j]; });
  onionProduct(a, b, nb, 1.0, qm.data(), [&](int i, int j) { return m1[i] * m2[j]; });
  double norm = 0;
  for (int i = 0; i < nb; ++i) {
    const double q = (k * qu[i] - k * qm[i]) * meanBias * 2 / t3;
    norm += q * q;
  }
  return std::sqrt(norm);
}

// Index into a cube padded by mirroring *without* repeating the edge sample (..., n-2, n-1, n-2, ...).
int mirrored(int i, int n) {
  return i < n ? i : std::max(0, 2 * (n - 1) - i);
}

double uint16Cast(double v) {
  if (!(v > 0)) return 0;  // NaN and negatives saturate to 0, like MATLAB's uint16()
  return std::min(65535.0, std::round(v));
}

}  // namespace

double uiqi(const Cube& g, const Cube& f, int window, const PixelMask& valid) {
  requireSameShape(g, f);
  requireMask(valid, g);
  if (window < 2 || window > g.rows || window > g.cols)
    throw InputError(fmt::format("UIQI window {} does not fit a {}x{} image", window, g.rows, g.cols));
  const int rows = g.rows, cols = g.cols, outRows = rows - window + 1, outCols = cols - window + 1;
  const double n = double(window) * window;
  const IntegralImage invalid(rows, cols, [&](std::size_t i) { return valid.empty() || valid[i] ? 0.0 : 1.0; });
  double total = 0;
  int emptyBands = 0;
#pragma omp parallel for schedule(dynamic) reduction(+ : total, emptyBands)
  for (int b = 0; b < g.bands; ++b) {
    const float *x = g.band(b), *y = f.band(b);
    auto ok = [&](std::size_t i) { return valid.empty() || valid[i]; };
    const IntegralImage sx(rows, cols, [&](std::size_t i) { return ok(i) ? double(x[i]) : 0.0; });
    const IntegralImage sy(rows, cols, [&](std::size_t i) { return ok(i) ? double(y[i]) : 0.0; });
    const IntegralImage sxx(rows, cols, [&](std::size_t i) { return ok(i) ? double(x[i]) * x[i] : 0.0; });
    const IntegralImage syy(rows, cols, [&](std::size_t i) { return ok(i) ? double(y[i]) * y[i] : 0.0; });
    const IntegralImage sxy(rows, cols, [&](std::size_t i) { return ok(i) ? double(x[i]) * y[i] : 0.0; });
    double sum = 0;
    std::size_t count = 0;
    for (int r = 0; r < outRows; ++r)
      for (int c = 0; c < outCols; ++c) {
        const int r1 = r + window, c1 = c + window;
        if (invalid.sum(r, c, r1, c1) > 0.5) continue;
        const double mx = sx.sum(r, c, r1, c1), my = sy.sum(r, c, r1, c1);
        const double xx = sxx.sum(r, c, r1, c1), yy = syy.sum(r, c, r1, c1), xy = sxy.sum(r, c, r1, c1);
        const double means = mx * mx + my * my;
        double den1 = n * (xx + yy) - means;
        // Summed-area tables leave rounding residue where img_qi's window sums are exactly flat.
        if (std::fabs(den1) <= 1e-12 * n * (xx + yy)) den1 = 0;
        const double den = den1 * means;
        double q = 1.0;
        if (den != 0)
          q = 4 * (n * xy - mx * my) * mx * my / den;
        else if (den1 == 0 && means != 0)
          q = 2 * mx * my / means;
        sum += q;
        ++count;
      }
    if (count == 0)
      ++emptyBands;  // (no throw inside the parallel loop)
    else
      total += sum / count;
  }
  // The mask is shared by every band, so either all bands have a window or none does.
  if (emptyBands > 0) return std::nan("");
  return total / g.bands;
}

double qIndex(const double* x, const double* y, std::size_t n) {
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < n; ++i) mx += x[i], my += y[i];
  mx /= n;
  my /= n;
  double cxx = 0, cyy = 0, cxy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    cxx += (x[i] - mx) * (x[i] - mx);
    cyy += (y[i] - my) * (y[i] - my);
    cxy += (x[i] - mx) * (y[i] - my);
  }
  cxx /= n - 1;
  cyy /= n - 1;
  cxy /= n - 1;
  return qFromMoments(mx, my, cxx, cyy, cxy);
}

double blockQ(const float* x, const float* y, int rows, int cols, int block) {
  const int br = rows / block, bc = cols / block;
  if (br == 0 || bc == 0)
    throw InputError(fmt::format("Q blocks of {0}x{0} do not fit a {1}x{2} image", block, rows, cols));
  std::vector<double> a(static_cast<std::size_t>(block) * block), b(a.size());
  double total = 0;
  for (int i = 0; i < br; ++i)
    for (int j = 0; j < bc; ++j) {
      std::size_t k = 0;
      for (int r = i * block; r < (i + 1) * block; ++r)
        for (int c = j * block; c < (j + 1) * block; ++c, ++k) {
          a[k] = x[static_cast<std::size_t>(r) * cols + c];
          b[k] = y[static_cast<std::size_t>(r) * cols + c];
        }
      total += qIndex(a.data(), b.data(), a.size());
    }
  return total / (br * bc);
}

double q2n(const Cube& g, const Cube& f, const Q2nOptions& o, const PixelMask& valid) {
  requireSameShape(g, f);
  requireMask(valid, g);
  if (o.blockSize < 2 || o.shift < 1)
    throw InputError("Q2n: the block size must be at least 2 and the shift at least 1");
  const int stepsR = (g.rows + o.shift - 1) / o.shift, stepsC = (g.cols + o.shift - 1) / o.shift;
  const int padR = (stepsR - 1) * o.shift + o.blockSize - g.rows, padC = (stepsC - 1) * o.shift + o.blockSize - g.cols;
  if (padR >= g.rows || padC >= g.cols)
    throw InputError(fmt::format("Q2n blocks of {0}x{0} need an image of at least {0}x{0} pixels", o.blockSize));
  int nb = 1;
  while (nb < g.bands) nb *= 2;
  const std::size_t m = static_cast<std::size_t>(o.blockSize) * o.blockSize;
  auto value = [&](float v) { return o.castToUint16 ? uint16Cast(v) : double(v); };
  double total = 0;
  std::size_t blocks = 0;
  std::atomic<bool> stopped{false};
#pragma omp parallel for schedule(dynamic) reduction(+ : total, blocks)
  for (int index = 0; index < stepsR * stepsC; ++index) {
    if (stopped.load(std::memory_order_relaxed)) continue;  // (no throw inside the parallel loop)
    if (o.keepGoing && index % 4 == 0) {
      bool go = true;
#pragma omp critical(q2n_keep_going)
      go = o.keepGoing();
      if (!go) stopped = true;
    }
    const int bi = index / stepsC, bj = index % stepsC;
    std::vector<double> ref(nb * m, 0.0), est(nb * m, 0.0);
    bool usable = true;
    for (int r = 0; r < o.blockSize && usable; ++r)
      for (int c = 0; c < o.blockSize && usable; ++c) {
        const int rr = mirrored(bi * o.shift + r, g.rows), cc = mirrored(bj * o.shift + c, g.cols);
        usable = valid.empty() || valid[static_cast<std::size_t>(rr) * g.cols + cc];
      }
    if (!usable) continue;
    for (int b = 0; b < g.bands; ++b)
      for (int r = 0; r < o.blockSize; ++r)
        for (int c = 0; c < o.blockSize; ++c) {
          const int rr = mirrored(bi * o.shift + r, g.rows), cc = mirrored(bj * o.shift + c, g.cols);
          const std::size_t src = static_cast<std::size_t>(rr) * g.cols + cc, dst = b * m + r * o.blockSize + c;
          ref[dst] = value(g.band(b)[src]);
          est[dst] = value(f.band(b)[src]);
        }
    total += onionsQuality(ref, est, nb, m);
    ++blocks;
  }
  if (stopped) throw Interrupted();
  if (blocks == 0) return std::nan("");
  return total / blocks;
}

}  // namespace hsifuse
