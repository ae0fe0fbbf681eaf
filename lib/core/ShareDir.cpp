#include "lib/core/ShareDir.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <vector>

#include "lib/core/Error.h"

namespace fs = std::filesystem;

namespace hsifuse {

std::string findShareFile(const std::string& relative) {
  std::vector<fs::path> roots;
  if (const char* env = std::getenv("HSIFUSE_DATA"); env && *env) roots.emplace_back(env);
#ifdef HSIFUSE_SHARE_DIR
  roots.emplace_back(HSIFUSE_SHARE_DIR);
#endif
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) roots.push_back(exe.parent_path().parent_path() / "share" / "hsi-fuse");
  for (const auto& root : roots) {
    fs::path p = root / relative;
    if (fs::exists(p, ec)) return p.string();
  }
  throw Error("cannot find the shipped data file '" + relative +
              "' (set HSIFUSE_DATA to the share/ directory of hsi-fuse)");
}

}  // namespace hsifuse
