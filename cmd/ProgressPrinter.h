#pragma once
// Prints progress on stderr: a live percentage on a terminal, one line per finished stage otherwise
// (logs and pipes should not fill with carriage returns).
#include "lib/Progress.h"

namespace hsifuse {

ProgressFn makeStderrProgress(bool quiet);

}  // namespace hsifuse
