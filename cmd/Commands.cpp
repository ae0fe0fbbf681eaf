// The list of subcommands, in the order --help shows them.
#include "cmd/Command.h"

namespace hsifuse {

std::unique_ptr<Command> makeInfoCommand();
std::unique_ptr<Command> makeSubsetCommand();

std::vector<std::unique_ptr<Command>> makeCommands() {
  std::vector<std::unique_ptr<Command>> c;
  c.push_back(makeInfoCommand());
  c.push_back(makeSubsetCommand());
  return c;
}

}  // namespace hsifuse
