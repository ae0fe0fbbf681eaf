#include "lib/core/FileChecksum.h"

#include <fmt/format.h>

#include <fstream>
#include <vector>

#include "lib/core/Error.h"

namespace hsifuse {

FileChecksum checksumFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot be read (to check that it is the file the adaptation was made on)");
  std::uint64_t h = 0xcbf29ce484222325ULL;
  std::vector<char> buffer(1 << 20);
  FileChecksum c;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const std::streamsize n = in.gcount();
    for (std::streamsize i = 0; i < n; ++i) {
      h ^= static_cast<unsigned char>(buffer[static_cast<std::size_t>(i)]);
      h *= 0x100000001b3ULL;
    }
    c.bytes += static_cast<std::uint64_t>(n);
  }
  if (in.bad()) throw InputError(path + ": read error while checksumming it");
  c.fnv1a64 = fmt::format("{:016x}", h);
  return c;
}

}  // namespace hsifuse
