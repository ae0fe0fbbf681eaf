#include "cmd/ProgressPrinter.h"

#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>

namespace hsifuse {

ProgressFn makeStderrProgress(bool quiet) {
  if (quiet) return {};
  struct State {
    std::string stage;
    int lastPercent = -1;
    bool tty = ::isatty(STDERR_FILENO) != 0;
  };
  auto st = std::make_shared<State>();
  return [st](double f, const std::string& stage) {
    const int pct = static_cast<int>(f * 100 + 0.5);
    if (stage != st->stage) {
      if (!st->stage.empty() && st->lastPercent < 100) std::fprintf(stderr, st->tty ? "\n" : "%s: done\n", st->stage.c_str());
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
