// The no-reference score and the QNR family on real cubes: the validation of issue "quality" section 4
// (the score worsens with noise and blur, bicubic upsampling scores worse than the cube, QNR of a truth
// against its own degraded inputs is near 1), plus the library pieces the score is built from.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <random>

#include "TestSupport.h"
#include "geo/GdalEnvironment.h"
#include "geo/RasterDataset.h"
#include "geo/RasterWriter.h"
#include "lib/core/Error.h"
#include "lib/numeric/Fft.h"
#include "lib/numeric/SymmetricEigen.h"
#include "lib/quality/DistributionFit.h"
#include "lib/quality/NoReferenceScore.h"
#include "lib/quality/Qnr.h"
#include "lib/spatial/Degradation.h"
#include "lib/spatial/Resampling.h"
#include "lib/spatial/ShiftEstimation.h"
#include "lib/spectral/ResponseEstimation.h"
#include "lib/spectral/SpectralResponse.h"
#include "pipeline/QualityJob.h"

using namespace hsifuse;
using namespace hsifuse::test;

namespace {

struct Scene {
  Cube cube;  // [0, 1]
  std::vector<SpectralBand> bands;
};

Scene loadScene(const std::string& path) {
  initGdal();
  const RasterDataset ds = RasterDataset::open(path);
  Scene s{ds.read(), ds.info().spectralBands()};
  s.cube.scale(static_cast<float>(normalisationFactor(s.cube, "paper", {}, "test")));
  return s;
}

Cube noisy(const Cube& c, double sigma, unsigned seed) {
  Cube out = c;
  addGaussianNoise(out, sigma, seed);
  return out;
}

Cube boxBlurred(const Cube& c, int size) {
  return blurDownsample(c, BlurKernel::box(size), 1);
}

double score(const Scene& s, const Cube& c) {
  return scoreCube(c, 1.0, s.bands, {}, {}).score;
}

// Noise 0.01 .. 0.2 of the range must make the score worse step by step from the clean cube, box blur
// 3x3 .. 7x7 step by step (the clean cube against 3x3 is not asserted: the pristine cubes carry sensor noise,
// and mild smoothing scores about as well as the original; see share/quality/README.md), and bicubic
// upsampling of the cube degraded by 2 must score worse than the cube.
void expectMonotonic(const Scene& s) {
  const double clean = score(s, s.cube);
  double last = clean;
  for (double sigma : {0.01, 0.05, 0.1, 0.2}) {
    const double v = score(s, noisy(s.cube, sigma, 7));
    EXPECT_GT(v, last) << "noise sigma " << sigma;
    last = v;
  }
  last = 0;
  for (int size : {3, 5, 7}) {
    const double v = score(s, boxBlurred(s.cube, size));
    EXPECT_GT(v, last) << "box blur " << size;
    last = v;
  }
  const Cube bicubic = upsample(blurDownsample(s.cube, BlurKernel::gaussian(5, 1.0), 2), 2, Interpolation::Bicubic);
  const Cube reference = s.cube.crop({0, 0, bicubic.cols, bicubic.rows});
  EXPECT_GT(score(s, bicubic), score(s, reference));
}

}  // namespace

TEST(Fft, MatchesTheDirectTransformForAnyLength) {
  for (int n : {1, 2, 8, 12, 15, 31, 90, 1080}) {
    std::vector<std::complex<double>> x(n), direct(n);
    for (int k = 0; k < n; ++k) x[k] = {std::sin(0.7 * k + 1), std::cos(1.3 * k)};
    for (int f = 0; f < n; ++f)
      for (int k = 0; k < n; ++k) direct[f] += x[k] * std::polar(1.0, -2 * M_PI * f * k / n);
    auto y = x;
    fft1d(y, false);
    for (int f = 0; f < n; ++f) EXPECT_NEAR(std::abs(y[f] - direct[f]), 0.0, 1e-9) << "n " << n;
    fft1d(y, true);
    for (int k = 0; k < n; ++k) EXPECT_NEAR(std::abs(y[k] - x[k]), 0.0, 1e-12);
  }
}

TEST(SymmetricEigen, ReconstructsAndInvertsOnItsRange) {
  const int n = 6;
  std::vector<double> a(n * n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) a[i * n + j] = std::cos(i + j) + (i == j ? 3.0 : 0.0) + 0.1 * std::sin(i * j);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < i; ++j) a[i * n + j] = a[j * n + i];
  const SymmetricEigen e = symmetricEigen(a, n);
  for (int k = 1; k < n; ++k) EXPECT_GE(e.values[k - 1], e.values[k]);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      double s = 0;
      for (int k = 0; k < n; ++k) s += e.vectors[i * n + k] * e.values[k] * e.vectors[j * n + k];
      EXPECT_NEAR(s, a[i * n + j], 1e-10);
    }
  const auto inv = symmetricPseudoInverse(a, n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      double s = 0;
      for (int k = 0; k < n; ++k) s += a[i * n + k] * inv[k * n + j];
      EXPECT_NEAR(s, i == j ? 1.0 : 0.0, 1e-9);
    }
}

TEST(DistributionFit, RecoversKnownParameters) {
  std::mt19937 rng(3);
  std::normal_distribution<double> normal(0.0, 2.0);
  std::vector<double> g(200000);
  for (double& v : g) v = normal(rng);
  const GgdFit fit = fitGgd(g);
  EXPECT_NEAR(fit.alpha, 2.0, 0.03);                  // a Gaussian is a GGD of shape 2
  EXPECT_NEAR(fit.beta, 2.0 * std::sqrt(2.0), 0.05);  // with scale sigma * sqrt(2)
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> laplace(200000);
  std::exponential_distribution<double> ex(1.0);
  for (double& v : laplace) v = (u(rng) < 0 ? -1 : 1) * ex(rng);
  EXPECT_NEAR(fitGgd(laplace).alpha, 1.0, 0.03);
  const AggdFit a = fitAggd(g);
  EXPECT_NEAR(a.alpha, 2.0, 0.05);
  EXPECT_NEAR(a.mean, 0.0, 0.05);
  std::weibull_distribution<double> w(1.7, 3.0);
  std::vector<double> wv(100000);
  for (double& v : wv) v = w(rng);
  const WeibullFit wf = fitWeibull(wv);
  EXPECT_NEAR(wf.shape, 1.7, 0.02);
  EXPECT_NEAR(wf.scale, 3.0, 0.03);
  EXPECT_TRUE(std::isnan(fitGgd(std::vector<double>(10, 0.0)).alpha));
}

TEST(NoReferenceScore, FeatureRowsAndModelRoundTrip) {
  const Scene s = loadScene(dataPath("hyperion_paris_48x48x128_f32.tif"));
  const std::vector<double> w(s.cube.bands, 1.0);
  const NrFeatures f = nrFeatures(s.cube, w, {16, 0, false});
  EXPECT_EQ(f.blocks, 9);
  EXPECT_EQ(f.dims, nrFeatureCount(false));
  EXPECT_EQ(nrFeatureCount(false), 336);
  EXPECT_EQ(nrFeatureCount(true), 432);
  // A masked pixel removes its block.
  PixelMask mask(s.cube.planeSize(), 1);
  mask[20 * 48 + 20] = 0;
  EXPECT_EQ(nrFeatures(s.cube, w, {16, 0, false}, mask).blocks, 8);
  std::vector<NrFeatures> training;
  for (int t = 0; t < 8; ++t) training.push_back(nrFeatures(dihedralTransform(s.cube, t), w, {16, 8, false}));
  const PristineModel m = fitPristineModel(training, {16, 0, false}, {"crop"});
  const PristineModel back = PristineModel::fromJson(m.toJson(), "memory");
  EXPECT_EQ(back.components, m.components);
  EXPECT_DOUBLE_EQ(nrScore(back, f).score, nrScore(m, f).score);
  EXPECT_THROW(PristineModel::fromJson("{\"format\": \"hsi-fuse-nr-model\"}", "x.json"), InputError);
  // Fewer than 2 blocks: NaN.
  EXPECT_TRUE(std::isnan(nrScore(m, nrFeatures(s.cube.crop({0, 0, 20, 20}), w, {16, 0, false})).score));
}

TEST(NoReferenceScore, WorsensWithNoiseAndBlurOnHyperion) {
  // The example's truth: the real EO-1 Hyperion Paris cube, which the shipped model did not see.
  expectMonotonic(loadScene(HSIFUSE_SOURCE_DIR "/examples/hypsen/hypsen_truth_10m.tif"));
}

TEST(NoReferenceScore, WorsensWithNoiseAndBlurOnAviris) {
  expectMonotonic(loadScene(dataPath("salinasA_aviris_64x64x224.tif")));
}

TEST(Qnr, TruthAgainstItsOwnDegradedInputsIsNearOne) {
  const Scene s = loadScene(HSIFUSE_SOURCE_DIR "/examples/hypsen/hypsen_truth_10m.tif");
  const BlurKernel k = mtfGaussian(3);
  const Cube lr = blurDownsample(s.cube, k, 3);
  std::vector<std::vector<double>> p(4, std::vector<double>(s.cube.bands, 0.0));
  for (int m = 0; m < 4; ++m)
    for (int b = m * 32; b < (m + 1) * 32; ++b) p[m][b] = 1.0 / 32;
  const Cube msi = projectSpectrally(s.cube, p);
  const QnrResult truth = qnrIndices(s.cube, lr, msi, 3, k, 24);
  const QnrResult bicubic = qnrIndices(upsample(lr, 3, Interpolation::Bicubic), lr, msi, 3, k, 24);
  // Measured: QNR 0.948 (D_lambda 0.026, D_s 0.027) and HQNR 0.957 for the truth; 0.845 and 0.814 for bicubic.
  EXPECT_GT(truth.qnr, 0.93);
  EXPECT_GT(truth.hqnr, 0.93);
  EXPECT_GT(truth.qnr, bicubic.qnr);
  EXPECT_GT(truth.hqnr, bicubic.hqnr);
}

// eval's nodata and NaN rule on real files: pixels invalid in either cube are left out of every metric.
TEST(EvalFiles, LeavesOutNodataAndNaNPixels) {
  initGdal();
  TempDir dir;
  const std::string truthPath = HSIFUSE_SOURCE_DIR "/examples/hypsen/hypsen_truth_10m.tif";
  const RasterDataset truth = RasterDataset::open(truthPath);
  RasterInfo layout = truth.info();
  for (BandInfo& b : layout.bands) b.nodata = -9999.0;
  Cube estimate = truth.read();
  for (float& v : estimate.data) v *= 1.01f;  // a small, uniform error everywhere
  Cube broken = estimate;
  for (int b = 0; b < broken.bands; ++b) {
    broken.at(b, 10, 10) = -9999.0f;                  // nodata
    broken.at(b, 40, 50) = std::nanf("");             // NaN
    broken.at(b, 60, 5) = b == 3 ? -9999.0f : 50.0f;  // nodata in one band only, garbage in the others
  }
  for (auto [name, cube] : {std::pair<std::string, const Cube*>{"ok.tif", &estimate}, {"broken.tif", &broken}}) {
    RasterWriter w(dir.path(name), layout, {});
    w.writeWindow({0, 0, cube->cols, cube->rows}, *cube);
    w.commit();
  }
  EvalOptions o;
  o.reference = truthPath;
  o.estimate = dir.path("ok.tif");
  const EvalResult ok = evaluateFiles(o);
  o.estimate = dir.path("broken.tif");
  const EvalResult masked = evaluateFiles(o);
  EXPECT_EQ(masked.validPixels, 72u * 72u - 3u);
  EXPECT_EQ(masked.totalPixels, 72u * 72u);
  EXPECT_TRUE(std::isfinite(masked.psnr) && std::isfinite(masked.ssim) && std::isfinite(masked.q2n));
  // The valid pixels carry the same 1 % error: every metric stays close to the unbroken estimate's.
  EXPECT_NEAR(masked.rmse8, ok.rmse8, 0.02 * ok.rmse8);
  EXPECT_NEAR(masked.sam, ok.sam, 0.02 * ok.sam + 1e-6);
  EXPECT_NEAR(masked.ssim, ok.ssim, 1e-3);
  EXPECT_NEAR(masked.uiqi, ok.uiqi, 2e-3);
  EXPECT_GT(masked.q2n, 0.9);
  // The CLI says how many pixels counted.
  const RunResult r = runHsiFuse("eval " + truthPath + " " + dir.path("broken.tif"));
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_NE(r.out.find("5181 of 5184 valid"), std::string::npos) << r.out;
}

// Shift estimation on the real Hyperion crop: the HSI displaced by a known sub-pixel amount before the
// degradation is found again, and an undisplaced pair gives about zero.
TEST(ShiftEstimation, RecoversAKnownSubPixelShift) {
  const Scene s = loadScene(dataPath("hyperion_paris_48x48x128_f32.tif"));
  std::vector<std::vector<double>> p(4, std::vector<double>(s.cube.bands, 0.0));
  for (int m = 0; m < 4; ++m)
    for (int b = m * 32; b < (m + 1) * 32; ++b) p[m][b] = 1.0 / 32;
  const Cube x = projectSpectrally(s.cube, p);
  const BlurKernel k = BlurKernel::gaussian(7, 1.5);
  const ShiftEstimate none = estimateShift(x, blurDownsample(s.cube, k, 3), p, 3);
  EXPECT_LT(std::hypot(none.dx, none.dy), 0.3) << none.dx << ", " << none.dy;
  // HSI content moved right 1.5 and up 0.75 HR pixels: the MSI is the HSI moved back.
  const ShiftEstimate e = estimateShift(x, blurDownsample(shifted(s.cube, 1.5, -0.75), k, 3), p, 3);
  EXPECT_NEAR(e.dx, -1.5, 0.3);
  EXPECT_NEAR(e.dy, 0.75, 0.3);
  EXPECT_GT(e.peak, 0.1);
}

// --srf estimate: P fitted from the real Hyperion crop and its Sentinel-2A MSI reproduces the MSI on the LR grid
// and puts each visible/NIR band's response where the true curve has it.
TEST(ResponseEstimation, RecoversTheSentinel2ResponseFromTheScene) {
  const Scene s = loadScene(dataPath("hyperion_paris_48x48x128_f32.tif"));
  const SpectralResponse truth = SpectralResponse::fromSpec("sentinel2a", s.bands);
  const Cube x = projectSpectrally(s.cube, truth.matrix());
  const Cube y = blurDownsample(s.cube, BlurKernel::gaussian(7, 1.5), 3);
  // The MSI brought to the LR grid with the MTF-matched Gaussian, as fuse does (s x s block means instead put
  // the red band's response at 1000+ nm: the blur mismatch outweighs the spectral differences).
  const ResponseFit fit = estimateResponse(y, blurDownsample(x, mtfGaussian(3), 3));
  ASSERT_EQ(fit.p.size(), truth.matrix().size());
  auto centre = [&](const std::vector<double>& row) {
    double c = 0;
    for (std::size_t b = 0; b < row.size(); ++b) c += row[b] * s.bands[b].wavelengthNm;
    return c;
  };
  const auto names = truth.keptBandNames();
  for (std::size_t m = 0; m < fit.p.size(); ++m) {
    EXPECT_LT(fit.relativeResidual[m], 0.02) << names[m];
    if (names[m] == "B2" || names[m] == "B3" || names[m] == "B4" || names[m] == "B8") {
      EXPECT_NEAR(centre(fit.p[m]), centre(truth.matrix()[m]), 40.0) << names[m];
    }
  }
}
