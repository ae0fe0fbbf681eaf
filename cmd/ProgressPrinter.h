#pragma once
// Prints progress on stderr: a live percentage on a terminal, one line per finished stage otherwise
// (logs and pipes should not fill with carriage returns).
#include "lib/core/Progress.h"

namespace hsifuse {

// The callback also answers "stop" once SIGINT or SIGTERM has arrived (see installStopHandlers).
ProgressFn makeStderrProgress(bool quiet);
// SIGINT/SIGTERM set a flag the progress callback reports, instead of killing the process mid-write.
void installStopHandlers();

}  // namespace hsifuse
