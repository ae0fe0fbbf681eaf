// Microbenchmarks (Google Benchmark) of the pieces whose cost decides a run's time, each against input
// size, so a regression shows up as a changed slope:
//   the degeneration net (space-to-depth conv, forward + backward), the mutual-guiding fusion module
//   (forward), the spectral projection P Z (lib, and the 1x1-conv form used in the networks), tile
//   splitting and reassembly (lib/TilePlan), and the full-reference metrics.
// Run: build/bench/micro_benchmarks [--benchmark_filter=REGEX]. LibTorch uses one thread unless
// HSIFUSE_BENCH_THREADS says otherwise.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <random>

#include "lib/core/Cube.h"
#include "lib/quality/Metrics.h"
#include "lib/spatial/Degradation.h"
#include "lib/spatial/TilePlan.h"
#include "models/Networks.h"

using namespace hsifuse;

namespace {

Cube randomCube(int bands, int rows, int cols, unsigned seed) {
  Cube c(bands, rows, cols);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  for (float& v : c.data) v = u(rng);
  return c;
}

std::vector<std::vector<double>> uniformP(int msi, int hsi) {
  return std::vector<std::vector<double>>(msi, std::vector<double>(hsi, 1.0 / hsi));
}

void setThreads() {
  const char* t = std::getenv("HSIFUSE_BENCH_THREADS");
  torch::set_num_threads(t ? std::atoi(t) : 1);
}

// DegenerationNet: 31 bands, s = 8, a 32 x 32 kernel (the paper's), forward and backward, side in HR pixels.
void DegenerationForwardBackward(benchmark::State& state) {
  setThreads();
  const int side = static_cast<int>(state.range(0));
  DegenerationNet net(32, 8, 4.0);
  auto z = torch::rand({1, 31, side, side}, torch::requires_grad());
  for (auto _ : state) {
    auto y = net->forward(z);
    y.sum().backward();
    benchmark::DoNotOptimize(y.data_ptr<float>());
  }
  state.SetItemsProcessed(state.iterations() * side * side);
}
BENCHMARK(DegenerationForwardBackward)->Arg(64)->Arg(128)->Arg(256)->Arg(512)->Unit(benchmark::kMillisecond);

// FusionModule (three branches, mutual guiding), forward only, 31 HSI / 3 MSI bands, width 32, M = 3.
void MutualGuidingFusionForward(benchmark::State& state) {
  setThreads();
  torch::NoGradGuard g;
  const int side = static_cast<int>(state.range(0));
  FusionModule fusion(31, 3, 32, 3);
  fusion->eval();
  auto x = torch::rand({1, 3, side, side}), z = torch::rand({1, 31, side, side});
  for (auto _ : state) {
    auto out = fusion->forward(x, z);
    benchmark::DoNotOptimize(out.data_ptr<float>());
  }
  state.SetItemsProcessed(state.iterations() * side * side);
}
BENCHMARK(MutualGuidingFusionForward)->Arg(32)->Arg(64)->Arg(128)->Arg(256)->Unit(benchmark::kMillisecond);

// X = P Z: the lib loop (used by degrade and the classical methods) and the 1x1 conv of the networks.
void ProjectionLib(benchmark::State& state) {
  const int side = static_cast<int>(state.range(0));
  const Cube z = randomCube(128, side, side, 1);
  const auto p = uniformP(11, 128);
  for (auto _ : state) benchmark::DoNotOptimize(projectSpectrally(z, p).data.data());
  state.SetItemsProcessed(state.iterations() * side * side);
}
BENCHMARK(ProjectionLib)->Arg(128)->Arg(256)->Arg(512)->Unit(benchmark::kMillisecond);

void ProjectionTorch(benchmark::State& state) {
  setThreads();
  torch::NoGradGuard g;
  const int side = static_cast<int>(state.range(0));
  auto z = torch::rand({1, 128, side, side}), p = torch::full({11, 128}, 1.0f / 128);
  for (auto _ : state) {
    auto x = projectSpectral(z, p);
    benchmark::DoNotOptimize(x.data_ptr<float>());
  }
  state.SetItemsProcessed(state.iterations() * side * side);
}
BENCHMARK(ProjectionTorch)->Arg(128)->Arg(256)->Arg(512)->Unit(benchmark::kMillisecond);

// Tiles: splitting a scene into s-aligned tiles with a halo and putting the cores back (identity process),
// 128 bands, tiles of 128 HR pixels, halo 7, s = 3.
void TileSplitAndReassemble(benchmark::State& state) {
  const int side = static_cast<int>(state.range(0));
  const Cube z = randomCube(128, side, side, 2);
  const TilePlan plan(side, side, 128, 7, 3);
  for (auto _ : state) {
    Cube out = runTiled(plan, z.bands, [&](const Tile& t) { return z.crop(t.read); });
    benchmark::DoNotOptimize(out.data.data());
  }
  state.SetItemsProcessed(state.iterations() * side * side);
}
BENCHMARK(TileSplitAndReassemble)->Arg(256)->Arg(512)->Arg(1024)->Unit(benchmark::kMillisecond);

// Full-reference metrics on 84-band cubes (the HypSen band count).
template <double (*Metric)(const Cube&, const Cube&)>
void FullReferenceMetric(benchmark::State& state) {
  const int side = static_cast<int>(state.range(0));
  const Cube g = randomCube(84, side, side, 3), f = randomCube(84, side, side, 4);
  for (auto _ : state) benchmark::DoNotOptimize(Metric(g, f));
  state.SetItemsProcessed(state.iterations() * side * side);
}
double ssimAll(const Cube& g, const Cube& f) {
  return ssimUal(g, f);
}
BENCHMARK(FullReferenceMetric<psnrUal>)
    ->Name("MetricPsnr")
    ->Arg(128)
    ->Arg(256)
    ->Arg(512)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(FullReferenceMetric<samDegrees>)
    ->Name("MetricSam")
    ->Arg(128)
    ->Arg(256)
    ->Arg(512)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(FullReferenceMetric<ssimAll>)
    ->Name("MetricSsim")
    ->Arg(128)
    ->Arg(256)
    ->Arg(512)
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
