// models/Pretraining: supervised training of the fusion module, resumed from its checkpoint exactly.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "ModelTestData.h"
#include "lib/core/Error.h"
#include "lib/spatial/Resampling.h"
#include "models/Networks.h"
#include "models/TensorCube.h"

using namespace hsifuse;
using namespace hsifuse::test;

// A run stopped after 4 steps and resumed to 8 ends with the same weights as a straight 8-step run.
TEST(Pretraining, ResumesFromItsCheckpointExactly) {
  TinyTraining t;
  test::TempDir dir;
  FusionModel straight(tinyInfo(t.bands, *t.p), 3);
  pretrainFusion(straight, {t.cube}, Cube(), t.options(8, dir.path("a.ckpt")));
  FusionModel first(tinyInfo(t.bands, *t.p), 3);
  pretrainFusion(first, {t.cube}, Cube(), t.options(4, dir.path("b.ckpt")));
  FusionModel resumed(tinyInfo(t.bands, *t.p), 99);  // other init: everything must come from the checkpoint
  auto o = t.options(8, dir.path("b.ckpt"));
  o.resume = true;
  std::vector<std::string> logs;
  pretrainFusion(resumed, {t.cube}, Cube(), o, {}, [&](const std::string& m) { logs.push_back(m); });
  ASSERT_FALSE(logs.empty());
  EXPECT_NE(logs[0].find("at step 4"), std::string::npos) << logs[0];
  Cube x = projectSpectrally(t.cube, t.p->matrix());
  Cube a = straight.infer(x, t.cube), b = resumed.infer(x, t.cube);
  for (std::size_t i = 0; i < a.size(); ++i) ASSERT_NEAR(a.data[i], b.data[i], 1e-6);
  // And training changed something: the zero-initialised output is no longer the identity.
  double diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff += std::fabs(a.data[i] - t.cube.data[i]);
  EXPECT_GT(diff, 0.0);
  // A run stopped mid-way (here by its progress callback during step 6; a kill leaves the same checkpoint)
  // resumes from the checkpoint of step 4 and ends where the straight run ends. (This caught a checkpoint that
  // recorded the index of its step instead of the count of steps done, so a resumed run repeated one step.)
  FusionModel stopped(tinyInfo(t.bands, *t.p), 3);
  EXPECT_THROW(pretrainFusion(stopped, {t.cube}, Cube(), t.options(8, dir.path("c.ckpt")),
                              [](double done, const std::string&) { return done < 5.5 / 8; }),
               Interrupted);
  FusionModel continued(tinyInfo(t.bands, *t.p), 99);
  auto oc = t.options(8, dir.path("c.ckpt"));
  oc.resume = true;
  logs.clear();
  pretrainFusion(continued, {t.cube}, Cube(), oc, {}, [&](const std::string& m) { logs.push_back(m); });
  ASSERT_FALSE(logs.empty());
  EXPECT_NE(logs[0].find("at step 4"), std::string::npos) << logs[0];
  Cube c = continued.infer(x, t.cube);
  for (std::size_t i = 0; i < a.size(); ++i) ASSERT_NEAR(a.data[i], c.data[i], 1e-6);
  // checkpointEvery 0: no periodic checkpoint, the final one only (it was a division by zero, SIGFPE, found by
  // bench/cuda_check), and the same weights.
  FusionModel once(tinyInfo(t.bands, *t.p), 3);
  auto o0 = t.options(8, dir.path("d.ckpt"));
  o0.checkpointEvery = 0;
  pretrainFusion(once, {t.cube}, Cube(), o0);
  EXPECT_TRUE(std::filesystem::exists(dir.path("d.ckpt")));
  Cube d = once.infer(x, t.cube);
  for (std::size_t i = 0; i < a.size(); ++i) ASSERT_NEAR(a.data[i], d.data[i], 1e-6);
}

// The wide augmentation (issue #12) draws everything from (seed, step) too: a resumed run ends where a straight one
// does, and its validation averages one degradation of each kernel family, so its first stage alone scores
// differently from the paper's single Gaussian.
TEST(Pretraining, WideAugmentationResumesExactlyAndValidatesEveryFamily) {
  TinyTraining t;
  test::TempDir dir;
  auto wide = [&](int steps, const std::string& ckpt) {
    auto o = t.options(steps, dir.path(ckpt));
    o.wide = true;
    o.snrMin = 25;
    o.snrMax = 45;
    return o;
  };
  FusionModel straight(tinyInfo(t.bands, *t.p), 3);
  pretrainFusion(straight, {t.cube}, t.cube, wide(4, "a.ckpt"));
  FusionModel first(tinyInfo(t.bands, *t.p), 3);
  pretrainFusion(first, {t.cube}, Cube(), wide(2, "b.ckpt"));
  FusionModel resumed(tinyInfo(t.bands, *t.p), 99);
  auto o = wide(4, "b.ckpt");
  o.resume = true;
  pretrainFusion(resumed, {t.cube}, t.cube, o);
  Cube x = projectSpectrally(t.cube, t.p->matrix());
  Cube a = straight.infer(x, t.cube), b = resumed.infer(x, t.cube);
  for (std::size_t i = 0; i < a.size(); ++i) ASSERT_NEAR(a.data[i], b.data[i], 1e-6);
  // The paper's run from the same seed trains on other pairs: other weights.
  FusionModel paper(tinyInfo(t.bands, *t.p), 3);
  pretrainFusion(paper, {t.cube}, t.cube, t.options(4, dir.path("c.ckpt")));
  Cube c = paper.infer(x, t.cube);
  double diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff += std::fabs(a.data[i] - c.data[i]);
  EXPECT_GT(diff, 0.0);
  EXPECT_GT(straight.info().validationPsnrStage1, 10.0);
  EXPECT_GT(std::fabs(straight.info().validationPsnrStage1 - paper.info().validationPsnrStage1), 0.01);
}
