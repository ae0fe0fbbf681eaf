#pragma once
// Prints progress on stderr: a live percentage on a terminal; otherwise GDAL's "stage: 0...10...20 ... 100 - done."
// growing on one line per stage, with the time left after each tens mark of a long stage (logs and pipes should
// not fill with carriage returns, and should show something while a long stage runs).
#include "lib/core/Progress.h"

namespace hsifuse {

// The callback also answers "stop" once SIGINT or SIGTERM has arrived (see installStopHandlers).
ProgressFn makeStderrProgress(bool quiet);
// Ends a progress line left open (a run that stops half-way), so that what follows starts on a line of its own.
void endProgressLine();
// SIGINT/SIGTERM set a flag the progress callback reports, instead of killing the process mid-write.
void installStopHandlers();

}  // namespace hsifuse
