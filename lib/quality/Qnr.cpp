#include "lib/quality/Qnr.h"

#include <fmt/format.h>

#include <cmath>
#include <vector>

#include "lib/core/Error.h"
#include "lib/quality/Metrics.h"
#include "lib/quality/QualityIndices.h"
#include "lib/spatial/Degradation.h"
#include "lib/spatial/Resampling.h"

namespace hsifuse {
namespace {

// Block Q of every band pair of one cube, averaged over blocks: a bands x bands matrix. One pass per block
// computes the means and the covariance matrix, so the L^2 pairs cost one Gram product.
std::vector<double> pairwiseBlockQ(const Cube& c, int block, const std::function<bool()>& keepGoing) {
  const int br = c.rows / block, bc = c.cols / block, L = c.bands;
  const std::size_t n = static_cast<std::size_t>(block) * block;
  std::vector<double> q(static_cast<std::size_t>(L) * L, 0.0), centred(L * n), mean(L),
      cov(static_cast<std::size_t>(L) * L);
  for (int i = 0; i < br; ++i)
    for (int j = 0; j < bc; ++j) {
      if (keepGoing && !keepGoing()) throw Interrupted();
#pragma omp parallel for schedule(static)
      for (int b = 0; b < L; ++b) {
        double* x = &centred[b * n];
        std::size_t k = 0;
        for (int r = i * block; r < (i + 1) * block; ++r)
          for (int col = j * block; col < (j + 1) * block; ++col) x[k++] = c.at(b, r, col);
        double m = 0;
#pragma omp simd reduction(+ : m)
        for (std::size_t p = 0; p < n; ++p) m += x[p];
        m /= n;
        for (std::size_t p = 0; p < n; ++p) x[p] -= m;
        mean[b] = m;
      }
      // The L^2 / 2 inner products are most of QNR's time on 200+ bands: vectorised, spread over the cores
      // (rows of the triangle are uneven, hence dynamic).
#pragma omp parallel for schedule(dynamic, 4)
      for (int a = 0; a < L; ++a)
        for (int b = a; b < L; ++b) {
          const double *x = &centred[a * n], *y = &centred[b * n];
          double s = 0;
#pragma omp simd reduction(+ : s)
          for (std::size_t p = 0; p < n; ++p) s += x[p] * y[p];
          cov[static_cast<std::size_t>(a) * L + b] = s / (n - 1);
        }
      for (int a = 0; a < L; ++a)
        for (int b = a + 1; b < L; ++b)
          q[static_cast<std::size_t>(a) * L + b] +=
              qFromMoments(mean[a], mean[b], cov[static_cast<std::size_t>(a) * L + a],
                           cov[static_cast<std::size_t>(b) * L + b], cov[static_cast<std::size_t>(a) * L + b]);
    }
  for (double& v : q) v /= br * bc;
  return q;
}

void requireBlocks(const Cube& c, int block) {
  if (block < 2 || c.rows < block || c.cols < block)
    throw InputError(fmt::format("QNR blocks of {0}x{0} do not fit a {1}x{2} image (use a smaller --qnr-block)", block,
                                 c.rows, c.cols));
}

}  // namespace

double spectralDistortion(const Cube& fused, const Cube& lrUpsampled, int blockSize,
                          const std::function<bool()>& keepGoing) {
  requireSameShape(fused, lrUpsampled);
  requireBlocks(fused, blockSize);
  if (fused.bands < 2) return 0.0;
  const auto qz = pairwiseBlockQ(fused, blockSize, keepGoing), qy = pairwiseBlockQ(lrUpsampled, blockSize, keepGoing);
  double s = 0;
  const int L = fused.bands;
  for (int a = 0; a < L; ++a)
    for (int b = a + 1; b < L; ++b) s += std::fabs(qz[a * L + b] - qy[a * L + b]);
  return s / (L * (L - 1) / 2.0);
}

double spatialDistortion(const Cube& fused, const Cube& lrUpsampled, const Cube& msi, const Cube& msiDegraded,
                         int blockSize, const std::function<bool()>& keepGoing) {
  requireSameShape(fused, lrUpsampled);
  requireSameShape(msi, msiDegraded);
  requireBlocks(fused, blockSize);
  if (msi.rows != fused.rows || msi.cols != fused.cols)
    throw InputError("QNR: the MSI and the fused cube are not on the same grid");
  double s = 0;
  for (int c = 0; c < msi.bands; ++c)
    for (int i = 0; i < fused.bands; ++i) {
      if (keepGoing && i % 8 == 0 && !keepGoing()) throw Interrupted();
      s += std::fabs(blockQ(fused.band(i), msi.band(c), fused.rows, fused.cols, blockSize) -
                     blockQ(lrUpsampled.band(i), msiDegraded.band(c), fused.rows, fused.cols, blockSize));
    }
  return s / (double(msi.bands) * fused.bands);
}

QnrResult qnrIndices(const Cube& fused, const Cube& lr, const Cube& msi, int scale, const BlurKernel& hsiKernel,
                     int blockSize, const ProgressFn& progress) {
  // Four parts of a few seconds each on 200+ bands: a stop request is honoured between them.
  const auto step = [&](double f) {
    if (progress && !progress(f, "qnr")) throw Interrupted();
  };
  if (lr.bands != fused.bands || lr.rows * scale != fused.rows || lr.cols * scale != fused.cols)
    throw InputError(fmt::format("QNR: the LR HSI ({}x{}x{}) times {} does not match the fused cube ({}x{}x{})",
                                 lr.bands, lr.rows, lr.cols, scale, fused.bands, fused.rows, fused.cols));
  const Cube yUp = upsample(lr, scale, Interpolation::Bicubic);
  const Cube xDeg = upsample(blurDownsample(msi, hsiKernel, scale), scale, Interpolation::Bicubic);
  QnrResult r;
  r.blockSize = blockSize;
  step(0.1);
  double at = 0.1;  // where the polls inside each part report
  const std::function<bool()> keepGoing = [&] { return !progress || progress(at, "qnr"); };
  r.dLambda = spectralDistortion(fused, yUp, blockSize, keepGoing);
  step(at = 0.35);
  r.dS = spatialDistortion(fused, yUp, msi, xDeg, blockSize, keepGoing);
  r.qnr = (1 - r.dLambda) * (1 - r.dS);
  step(0.5);
  const Cube blurred = blurDownsample(fused, hsiKernel, 1);
  step(at = 0.7);
  r.dLambdaKhan = 1 - q2n(yUp, blurred, {blockSize, blockSize, false, keepGoing});
  step(1.0);
  r.hqnr = (1 - r.dLambdaKhan) * (1 - r.dS);
  return r;
}

}  // namespace hsifuse
