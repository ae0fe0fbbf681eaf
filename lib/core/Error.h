#pragma once
// The one exception type of hsi-fuse. Its message is the user-facing one-liner that main()
// prints as "ERROR: <message>"; its exit code is the documented one (man/hsi-fuse.1, EXIT STATUS).
#include <stdexcept>
#include <string>

namespace hsifuse {

enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,        // a runtime failure: I/O error, a write that could not be completed
  kExitBadInput = 2,       // bad usage or bad input: unknown option, missing file, not a raster, ...
  kExitSkipped = 3,        // nothing to do: --skip-existing found OUTPUT made from the same inputs and options
  kExitInterrupted = 130,  // stopped by SIGINT or SIGTERM (128 + SIGINT, as shells report it)
};

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, int exitCode = kExitFailure)
      : std::runtime_error(message), exitCode_(exitCode) {}
  int exitCode() const { return exitCode_; }

 private:
  int exitCode_;
};

// Bad usage or bad input: the user can fix it by changing the command line or the files.
class InputError : public Error {
 public:
  explicit InputError(const std::string& message) : Error(message, kExitBadInput) {}
};

// Nothing to do (--skip-existing): not a failure, but a run that wrote nothing, so scripts can tell.
class Skipped : public Error {
 public:
  explicit Skipped(const std::string& message) : Error(message, kExitSkipped) {}
};

// The run was asked to stop (a progress callback returned false, e.g. after Ctrl-C): nothing is left behind.
class Interrupted : public Error {
 public:
  Interrupted() : Error("interrupted", kExitInterrupted) {}
};

}  // namespace hsifuse
