// lib/SceneKernel: the scene's blur kernel chosen from the inputs alone (D_k X = P Y), on a real Hyperion crop.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <tuple>
#include <utility>

#include "TestSupport.h"
#include "geo/RasterDataset.h"
#include "lib/core/Error.h"
#include "lib/spatial/Degradation.h"
#include "lib/spatial/SceneKernel.h"
#include "lib/spectral/SpectralResponse.h"

using namespace hsifuse;

namespace {

// X = P Z of the real 48 x 48 Hyperion crop and P Y with Y = D_k Z + noise.
struct KernelCase {
  Cube x, py;
  int s;
  KernelCase(const BlurKernel& truth, int scale, double snrDb) : s(scale) {
    Cube z = RasterDataset::open(test::dataPath("hyperion_paris_48x48x128_f32.tif")).read();
    z.scale(1.0f / z.peak());
    const auto bands = readRasterInfo(test::dataPath("hyperion_paris_48x48x128_f32.tif")).spectralBands();
    const auto p = SpectralResponse::fromCurves(ResponseCurves::load(resolveSrf("sentinel2a")), bands).matrix();
    Cube y = blurDownsample(z, truth, s);
    addNoiseAtSnr(y, snrDb, 3);
    x = projectSpectrally(z, p);
    py = projectSpectrally(y, p);
  }
};

double distance(const BlurKernel& a, const BlurKernel& b) {
  double d = 0;
  for (std::size_t i = 0; i < a.w.size(); ++i) d += std::fabs(a.w[i] - b.w[i]);
  return d;
}

const KernelCandidate& candidate(const SceneKernel& k, const std::string& name) {
  for (const auto& c : k.candidates)
    if (c.name == name) return c;
  throw std::runtime_error("no candidate " + name);
}

// The centre's move a fitted Gaussian reports ("..., centre moved +0.50, +0.50 px"; none: 0, 0).
std::pair<double, double> centreMoved(const std::string& detail) {
  double dx = 0, dy = 0;
  const auto at = detail.find("centre moved ");
  if (at != std::string::npos) std::sscanf(detail.c_str() + at, "centre moved %lf, %lf", &dx, &dy);
  return {dx, dy};
}

}  // namespace

TEST(SceneKernel, EmbeddingKeepsTheSamplingPhase) {
  const KernelCase c(BlurKernel::gaussian(7, 1.2), 3, 60);
  for (const BlurKernel& k : {BlurKernel::gaussian(7, 1.2), BlurKernel::ualPredefined(), BlurKernel::disk(5, 2)}) {
    const Cube a = blurDownsample(c.x, k, 3), b = blurDownsample(c.x, embedKernel(k, 12, 3), 3);
    for (std::size_t i = 0; i < a.size(); ++i) ASSERT_NEAR(a.data[i], b.data[i], 1e-5);
  }
  EXPECT_THROW(embedKernel(BlurKernel::gaussian(15, 2), 12, 3), Error);
}

// A rotated anisotropic Gaussian: the anisotropic family wins the held-out check (or the free kernel, which can
// take any shape) and lands near the truth; UAL's predefined kernel scores far worse.
TEST(SceneKernel, RecoversAnAnisotropicGaussianFromTheInputsAlone) {
  const BlurKernel truth = BlurKernel::anisotropicGaussian(9, 1.6, 0.8, 30);
  const KernelCase c(truth, 3, 40);
  const SceneKernel k = chooseSceneKernel(c.x, c.py, 3);
  EXPECT_EQ(k.taps, 12);
  EXPECT_EQ(k.candidates.size(), 6u);
  EXPECT_TRUE(k.name == "anisotropic-gaussian" || k.name == "least-squares") << k.name;
  EXPECT_LT(distance(k.kernel, embedKernel(truth, 12, 3)), 0.35);
  EXPECT_LT(candidate(k, k.name).heldOutRmse, 0.5 * candidate(k, "ual8").heldOutRmse);
  for (const auto& cand : k.candidates) EXPECT_GE(cand.heldOutRmse, candidate(k, k.name).heldOutRmse);
}

// Widths and angles between the coarse grid's steps, and a short axis under s / 4 (issue #12's anisotropic family
// at s = 3): the pattern search lands on the truth, with no more held-out residual than the truth itself. A kernel
// the user gives is imposed whatever its residual, and reported with it.
TEST(SceneKernel, FindsGaussiansBetweenTheGridSteps) {
  const BlurKernel truth = BlurKernel::anisotropicGaussian(11, 1.35, 0.6, 37);
  const KernelCase c(truth, 3, 40);
  SceneKernel k = chooseSceneKernel(c.x, c.py, 3);
  const KernelCandidate aniso = candidate(k, "anisotropic-gaussian");  // copies: impose adds candidates
  EXPECT_LT(aniso.heldOutRmse, 1.02 * k.heldOutRmse(truth)) << aniso.detail;
  EXPECT_LT(distance(aniso.kernel, embedKernel(truth, 12, 3)), 0.1) << aniso.detail;
  const KernelCandidate iso = candidate(k, "gaussian");
  const BlurKernel narrow = BlurKernel::gaussian(5, 0.5);
  const KernelCase d(narrow, 3, 40);
  const SceneKernel kn = chooseSceneKernel(d.x, d.py, 3);
  EXPECT_LT(distance(candidate(kn, "gaussian").kernel, embedKernel(narrow, 12, 3)), 0.1)
      << candidate(kn, "gaussian").detail;
  EXPECT_GT(iso.heldOutRmse, aniso.heldOutRmse);

  const BlurKernel given = BlurKernel::gaussian(9, 2.0);
  k.impose("given", given, "--kernel gauss:9:2");
  EXPECT_EQ(k.name, "given");
  EXPECT_EQ(k.kernel.w, given.w);
  EXPECT_GT(k.candidates.back().heldOutRmse, aniso.heldOutRmse);
  k.impose("too wide", BlurKernel::gaussian(15, 3.0), "larger than the support");
  EXPECT_TRUE(std::isnan(k.candidates.back().heldOutRmse));
}

// An odd kernel at an even s (issue #12's anisotropic family at s = 4, 13 x 13) sits half an HR pixel off the LR
// pixel's centre, where no Gaussian held to that centre can follow it: the fitted centre moves by +0.5 on both axes,
// the family matches the truth's own held-out residual and wins the check, where held to the centre it had three
// times the truth's residual and lost to the free kernel.
TEST(SceneKernel, FitsTheCentreOfAnOddKernelAtAnEvenScale) {
  const BlurKernel truth = BlurKernel::anisotropicGaussian(13, 1.8, 0.8, 30);
  const KernelCase c(truth, 4, 40);
  const SceneKernel k = chooseSceneKernel(c.x, c.py, 4);
  const KernelCandidate& aniso = candidate(k, "anisotropic-gaussian");
  EXPECT_EQ(k.name, "anisotropic-gaussian");
  EXPECT_LT(aniso.heldOutRmse, 1.02 * k.heldOutRmse(truth)) << aniso.detail;
  EXPECT_LT(distance(aniso.kernel, embedKernel(truth, 16, 4)), 0.1) << aniso.detail;
  const auto [dx, dy] = centreMoved(aniso.detail);
  EXPECT_NEAR(dx, 0.5, 0.05) << aniso.detail;
  EXPECT_NEAR(dy, 0.5, 0.05) << aniso.detail;
  // The same kernel at an odd s is centred: the fit leaves the centre there, to noise.
  const KernelCase odd(BlurKernel::anisotropicGaussian(11, 1.35, 0.6, 30), 3, 40);
  const std::string oddDetail = candidate(chooseSceneKernel(odd.x, odd.py, 3), "anisotropic-gaussian").detail;
  EXPECT_LT(std::hypot(centreMoved(oddDetail).first, centreMoved(oddDetail).second), 0.05) << oddDetail;
}

// A defocus disk (issue #12's family: radius 0.85 s, odd support) at s = 4 and at s = 8 on 6 x 6 LR pixels: the
// fitted disk wins the check, with about the truth's own residual, its radius and its centre (half an HR pixel off at
// an even s) near the truth's. No Gaussian follows the disk's edge: at s = 8 on 36 LR pixels the check put the
// MTF-matched Gaussian first, and the first stage fed it lost 4.5 dB to one fed the true disk (CAVE-like Moffett).
TEST(SceneKernel, RecoversADefocusDisk) {
  for (const auto& [s, size, radius] : {std::tuple{4, 11, 3.4}, std::tuple{8, 17, 6.8}}) {
    const BlurKernel truth = BlurKernel::disk(size, radius);
    const KernelCase c(truth, s, 35);
    const SceneKernel k = chooseSceneKernel(c.x, c.py, s);
    const KernelCandidate& disk = candidate(k, "disk");
    EXPECT_EQ(k.name, "disk") << "s = " << s;
    EXPECT_LT(disk.heldOutRmse, 1.1 * k.heldOutRmse(truth)) << disk.detail;
    EXPECT_LT(disk.heldOutRmse, 0.8 * candidate(k, "gaussian").heldOutRmse) << disk.detail;
    double fitted = 0;
    std::sscanf(disk.detail.c_str(), "radius %lf", &fitted);
    EXPECT_NEAR(fitted, radius, 0.05 * radius) << disk.detail;
    EXPECT_NEAR(centreMoved(disk.detail).first, 0.5, 0.15) << disk.detail;
    EXPECT_NEAR(centreMoved(disk.detail).second, 0.5, 0.15) << disk.detail;
  }
}

// At s = 8 on 6 x 6 LR pixels a free 32 x 32 kernel has far more taps than samples: the held-out check must not
// pick it when the truth is a plain Gaussian.
TEST(SceneKernel, FewLrPixelsDoNotPickTheFreeKernel) {
  const KernelCase c(BlurKernel::gaussian(25, 3.5), 8, 35);
  const SceneKernel k = chooseSceneKernel(c.x, c.py, 8);
  EXPECT_EQ(k.taps, 32);
  EXPECT_NE(k.name, "least-squares");
  EXPECT_LT(candidate(k, k.name).heldOutRmse, candidate(k, "least-squares").heldOutRmse);
}

// UAL's motion kernel (13 x 13, off-centre, no Gaussian shape) at s = 4, 30 dB: the free kernel, held non-negative
// with its ridge cross-validated, wins the check with about the truth's own held-out residual. With a fixed ridge and
// no sign constraint it had three times the truth's residual on a real scene (native Houston) and lost to a Gaussian.
TEST(SceneKernel, TheFreeKernelFollowsAMotionBlur) {
  const BlurKernel truth = BlurKernel::fromCsv(test::dataPath("ual_motion_kernel_01_13x13.csv"));
  const KernelCase c(truth, 4, 30);
  const SceneKernel k = chooseSceneKernel(c.x, c.py, 4);
  const KernelCandidate& free = candidate(k, "least-squares");
  EXPECT_EQ(k.name, "least-squares");
  for (double tap : free.kernel.w) ASSERT_GE(tap, 0.0);
  EXPECT_LT(free.heldOutRmse, 1.15 * k.heldOutRmse(truth)) << free.detail;  // fixed ridge: 1.9 x
  EXPECT_LT(free.heldOutRmse, 0.8 * candidate(k, "anisotropic-gaussian").heldOutRmse);
}

TEST(SceneKernel, MasksAndBadShapes) {
  const KernelCase c(BlurKernel::gaussian(9, 1.5), 3, 40);
  std::vector<std::uint8_t> valid(c.py.planeSize(), 1);
  for (std::size_t i = 0; i < valid.size() / 2; ++i) valid[i] = 0;  // the top half is nodata
  const SceneKernel k = chooseSceneKernel(c.x, c.py, 3, valid);
  EXPECT_FALSE(k.name.empty());
  EXPECT_THROW(chooseSceneKernel(c.x, c.py, 4), InputError);
  EXPECT_THROW(chooseSceneKernel(c.x, c.py, 3, std::vector<std::uint8_t>(c.py.planeSize(), 0)), InputError);
}
