#include "lib/core/FileChecksum.h"

#include <fmt/format.h>

#include <fstream>
#include <vector>

#include "lib/core/AtomicOutput.h"
#include "lib/core/Error.h"

namespace hsifuse {

namespace {

void hashStream(std::ifstream& in, const std::string& file, std::vector<char>& buffer, std::uint64_t& h,
                std::uint64_t& bytes) {
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const std::streamsize n = in.gcount();
    for (std::streamsize i = 0; i < n; ++i) {
      h ^= static_cast<unsigned char>(buffer[static_cast<std::size_t>(i)]);
      h *= 0x100000001b3ULL;
    }
    bytes += static_cast<std::uint64_t>(n);
  }
  if (in.bad()) throw InputError(file + ": read error while checksumming it");
}

}  // namespace

FileChecksum checksumFile(const std::string& path) {
  // A GDAL dataset name that is not a file (GTIFF_DIR:2:f.tif, /vsizip/a.zip/b.tif): the files it names, in order.
  std::vector<std::string> files = filesNamedBy(path);
  if (files.size() > 1) files.erase(files.begin());
  std::uint64_t h = 0xcbf29ce484222325ULL;
  std::vector<char> buffer(1 << 20);
  FileChecksum c;
  for (const std::string& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw InputError(file + ": cannot be read (to check that it is the file the adaptation was made on)");
    hashStream(in, file, buffer, h, c.bytes);
  }
  c.fnv1a64 = fmt::format("{:016x}", h);
  return c;
}

}  // namespace hsifuse
