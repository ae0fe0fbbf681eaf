// The list of subcommands, in the order --help shows them.
#include "cmd/Command.h"

namespace hsifuse {

std::unique_ptr<Command> makeInfoCommand();
std::unique_ptr<Command> makeSubsetCommand();
std::unique_ptr<Command> makeDegradeCommand();
std::unique_ptr<Command> makeEvalCommand();
std::unique_ptr<Command> makeScoreCommand();
#ifdef HSIFUSE_HAVE_TORCH
std::unique_ptr<Command> makeTrainCommand();
std::unique_ptr<Command> makeFuseCommand();
std::unique_ptr<Command> makeApplyCommand();
#endif

std::vector<std::unique_ptr<Command>> makeCommands() {
  std::vector<std::unique_ptr<Command>> c;
  c.push_back(makeInfoCommand());
  c.push_back(makeSubsetCommand());
  c.push_back(makeDegradeCommand());
  c.push_back(makeEvalCommand());
  c.push_back(makeScoreCommand());
#ifdef HSIFUSE_HAVE_TORCH
  c.push_back(makeFuseCommand());
  c.push_back(makeApplyCommand());
  c.push_back(makeTrainCommand());
#endif
  return c;
}

}  // namespace hsifuse
