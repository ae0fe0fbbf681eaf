#pragma once
// Helpers for the test suites: where the data is, temporary folders, running the real binary.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace hsifuse::test {

// A file in tests/data.
std::string dataPath(const std::string& name);
// ../shared/data/<relative> when it exists, else "" (tests that need it skip).
std::string sharedDataPath(const std::string& relative);
std::string binaryPath();

// A fresh folder, removed with its contents at the end of the test.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::filesystem::path dir() const { return dir_; }
  // Names of the files left in the folder (to check nothing half-written remains).
  std::vector<std::string> files() const;

 private:
  std::filesystem::path dir_;
};

struct RunResult {
  int exitCode = -1;
  std::string out;
  std::string err;
};
// Runs a shell command line, capturing stdout and stderr.
RunResult runShell(const std::string& commandLine);
// Runs hsi-fuse with the arguments (already shell-quoted where needed).
RunResult runHsiFuse(const std::string& args);

}  // namespace hsifuse::test

#define SKIP_WITHOUT(path)                                                                 \
  do {                                                                                     \
    if ((path).empty()) GTEST_SKIP() << "../shared/data is absent: heavier check skipped"; \
  } while (0)
