#pragma once
// A subcommand: a name, a one-line summary, its options (declared once in declare()) and run().
// run() parses nothing and prints nothing but results: it calls the libraries and reports.
#include <memory>
#include <string>
#include <vector>

#include "cmd/OptionTable.h"
#include "lib/core/Progress.h"

namespace hsifuse {

// Options every subcommand takes.
struct CommonOptions {
  bool quiet = false;                    // -q/--quiet: no progress, no warnings
  bool progress = false;                 // --progress: progress even with --quiet
  bool debug = false;                    // --debug: let exceptions through
  std::vector<std::string> config;       // --config KEY=VALUE (GDAL configuration options)
  std::vector<std::string> openOptions;  // --oo KEY=VALUE (GDAL dataset open options of the inputs)
  bool help = false;
  // Messages for stderr, one per line; none with --quiet.
  LogFn log() const;
};

class Command {
 public:
  virtual ~Command() = default;
  virtual std::string name() const = 0;
  virtual std::string summary() const = 0;
  // A paragraph for --help and the man page.
  virtual std::string description() const = 0;
  virtual void declare(OptionTable& table) = 0;
  virtual int run(const CommonOptions& common, const ProgressFn& progress) = 0;
};

std::vector<std::unique_ptr<Command>> makeCommands();

// Declares -q, --debug, --config and -h on a table.
void declareCommonOptions(OptionTable& table, CommonOptions& common);

}  // namespace hsifuse
