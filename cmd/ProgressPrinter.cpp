#include "cmd/ProgressPrinter.h"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>

namespace hsifuse {
namespace {

std::atomic<bool> stopRequested{false};

extern "C" void requestStop(int) {
  stopRequested = true;
}

}  // namespace

void installStopHandlers() {
  std::signal(SIGINT, requestStop);
  std::signal(SIGTERM, requestStop);
  // A file-size limit (ulimit -f) then makes write() fail with EFBIG, which the writer reports as a failed
  // write and cleans up after, instead of the process dying half-way through a file.
  std::signal(SIGXFSZ, SIG_IGN);
}

ProgressFn makeStderrProgress(bool quiet) {
  // Even a quiet run gets a callback: it is how a Ctrl-C reaches the libraries (they stop at their next
  // progress report and unwind, so temporary outputs are removed).
  if (quiet) return [](double, const std::string&) { return !stopRequested; };
  struct State {
    std::string stage;
    int lastPercent = -1;
    bool tty = ::isatty(STDERR_FILENO) != 0;
  };
  auto st = std::make_shared<State>();
  return [st](double f, const std::string& stage) {
    if (stopRequested) return false;
    const int pct = static_cast<int>(f * 100 + 0.5);
    if (stage != st->stage) {
      if (!st->stage.empty() && st->lastPercent < 100)
        std::fprintf(stderr, st->tty ? "\n" : "%s: done\n", st->stage.c_str());
      st->stage = stage;
      st->lastPercent = -1;
    }
    if (pct == st->lastPercent) return true;
    st->lastPercent = pct;
    if (st->tty)
      std::fprintf(stderr, "\r%s: %3d%%%s", stage.c_str(), pct, pct >= 100 ? "\n" : "");
    else if (pct >= 100)
      std::fprintf(stderr, "%s: done\n", stage.c_str());
    return true;
  };
}

}  // namespace hsifuse
