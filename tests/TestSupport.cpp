#include "TestSupport.h"

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>

namespace fs = std::filesystem;

namespace hsifuse::test {

std::string dataPath(const std::string& name) {
  return std::string(HSIFUSE_TEST_DATA_DIR) + "/" + name;
}

std::string sharedDataPath(const std::string& relative) {
  fs::path p = fs::path(HSIFUSE_SOURCE_DIR) / ".." / "shared" / "data" / relative;
  return fs::exists(p) ? p.lexically_normal().string() : std::string();
}

std::string binaryPath() {
  return HSIFUSE_BINARY;
}

TempDir::TempDir() {
  std::random_device rd;
  dir_ = fs::temp_directory_path() / ("hsifuse-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  fs::create_directories(dir_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(dir_, ec);
}

std::vector<std::string> TempDir::files() const {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir_)) out.push_back(e.path().filename().string());
  return out;
}

static std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

RunResult runShell(const std::string& commandLine) {
  TempDir io;
  const std::string cmd = commandLine + " >" + io.path("out") + " 2>" + io.path("err") + " </dev/null";
  int status = std::system(cmd.c_str());
  RunResult r;
  r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(io.path("out"));
  r.err = slurp(io.path("err"));
  return r;
}

RunResult runHsiFuse(const std::string& args) {
  return runShell(binaryPath() + " " + args);
}

}  // namespace hsifuse::test
