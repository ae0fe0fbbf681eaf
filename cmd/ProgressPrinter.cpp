#include "cmd/ProgressPrinter.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>

namespace hsifuse {
namespace {

std::atomic<bool> stopRequested{false};
bool lineOpen = false;  // a progress line has been started and not ended: an error message must start a new one

extern "C" void requestStop(int) {
  stopRequested = true;
}

}  // namespace

void endProgressLine() {
  if (lineOpen) std::fputc('\n', stderr);
  lineOpen = false;
}

void installStopHandlers() {
  std::signal(SIGINT, requestStop);
  std::signal(SIGTERM, requestStop);
  // A file-size limit (ulimit -f) then makes write() fail with EFBIG, which the writer reports as a failed
  // write and cleans up after, instead of the process dying half-way through a file.
  std::signal(SIGXFSZ, SIG_IGN);
}

namespace {

std::string duration(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
  else if (s >= 60)
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%lds", s);
  return buf;
}

}  // namespace

ProgressFn makeStderrProgress(bool quiet) {
  // Even a quiet run gets a callback: it is how a Ctrl-C reaches the libraries (they stop at their next
  // progress report and unwind, so temporary outputs are removed).
  if (quiet) return [](double, const std::string&) { return !stopRequested; };
  struct State {
    std::string stage;
    int lastPercent = -1;  // terminal: the percentage shown
    int lastTick = -1;     // log: 2.5 % ticks written (0..40)
    std::chrono::steady_clock::time_point start;
    bool tty = ::isatty(STDERR_FILENO) != 0;
  };
  auto st = std::make_shared<State>();
  return [st](double f, const std::string& stageAndDetail) {
    if (stopRequested) return false;
    const auto [stage, detail] = splitStage(stageAndDetail);
    if (st->tty) {
      if (stage != st->stage) {
        if (!st->stage.empty() && st->lastPercent < 100) std::fputc('\n', stderr);
        st->stage = stage;
        st->lastPercent = -1;
      }
      const int pct = static_cast<int>(f * 100 + 0.5);
      if (pct == st->lastPercent) return true;
      st->lastPercent = pct;
      std::fprintf(stderr, "\r%s: %3d%%%s%s\033[K%s", stage.c_str(), pct, detail.empty() ? "" : "  ", detail.c_str(),
                   pct >= 100 ? "\n" : "");
      lineOpen = pct < 100;
      return true;
    }
    // Logs and pipes: GDAL's "0...10...20...30...40...50...60...70...80...90...100 - done." growing on one line, each
    // tick written when reached (no carriage returns), the stage named where it begins, and after each tens mark of a
    // run longer than ten seconds the time it still needs at its pace so far, with the stage's detail (a training
    // run's step and loss). A fraction that starts again from the bottom (a new part of the job) starts a new line.
    const int tick = std::min(40, static_cast<int>(f * 40 + 1e-9));
    if (stage != st->stage) {
      const bool restart = st->lastTick < 0 || tick < st->lastTick || st->lastTick == 40;
      if (restart && st->lastTick >= 0 && st->lastTick < 40) std::fputc('\n', stderr);
      if (restart) {
        st->lastTick = -1;
        st->start = std::chrono::steady_clock::now();
      }
      std::fprintf(stderr, restart ? "%s: " : " %s: ", stage.c_str());
      st->stage = stage;
    }
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - st->start).count();
    for (int t = st->lastTick + 1; t <= tick; ++t) {
      if (t % 4 != 0) {
        std::fputc('.', stderr);
        continue;
      }
      std::fprintf(stderr, "%d", t * 10 / 4);
      if (t == 40)
        std::fprintf(stderr, " - done.\n");
      else if (t > 0 && elapsed > 10 && f > 0)
        std::fprintf(stderr, " (%s%s%s left)", detail.c_str(), detail.empty() ? "" : ", ",
                     duration(elapsed * (1 - f) / f).c_str());
      else if (t > 0 && !detail.empty())
        std::fprintf(stderr, " (%s)", detail.c_str());
    }
    st->lastTick = std::max(st->lastTick, tick);
    lineOpen = st->lastTick < 40;
    std::fflush(stderr);
    return true;
  };
}

}  // namespace hsifuse
