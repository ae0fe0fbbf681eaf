#include "lib/AtomicOutput.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "lib/Error.h"

namespace fs = std::filesystem;

namespace hsifuse {

void checkOutputPath(const std::string& path, bool overwrite, const std::string& option) {
  std::error_code ec;
  if (path.empty()) throw InputError(option + ": the output path is empty");
  if (fs::exists(path, ec) && !overwrite)
    throw InputError(option + ": " + path + " already exists (add --overwrite to replace it)");
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  if (!fs::is_directory(dir, ec))
    throw InputError(option + ": the folder of " + path + " does not exist (create it first)");
  if (::access(dir.c_str(), W_OK) != 0)
    throw InputError(option + ": cannot write in the folder of " + path + " (permission denied)");
}

std::string temporaryPathFor(const std::string& path) {
  static std::atomic<int> counter{0};
  const fs::path p(path);
  const std::string name = "." + p.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                           std::to_string(++counter) + p.extension().string();
  return (p.parent_path() / name).string();
}

void writeTextFileAtomically(const std::string& path, const std::string& text, bool overwrite,
                             const std::string& option) {
  checkOutputPath(path, overwrite, option);
  const std::string tmp = temporaryPathFor(path);
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      throw Error(path + ": write failed (disk full?)");
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    std::remove(tmp.c_str());
    throw Error(path + ": cannot rename the finished file into place: " + ec.message());
  }
}

}  // namespace hsifuse
