#pragma once
// A file's identity for manifests (fuse --save-adaptation, apply): its size and a 64-bit FNV-1a hash of its
// bytes. Not a cryptographic digest: it tells "the same file" from "another file", not a forgery from the original.
#include <cstdint>
#include <string>

namespace hsifuse {

struct FileChecksum {
  std::uint64_t bytes = 0;
  std::string fnv1a64;  // 16 hex digits
  bool operator==(const FileChecksum& o) const { return bytes == o.bytes && fnv1a64 == o.fnv1a64; }
};

// Reads the whole file (for a GDAL dataset name that is not a file, the files it names: AtomicOutput.h
// filesNamedBy); throws InputError naming it when it cannot be read.
FileChecksum checksumFile(const std::string& path);

}  // namespace hsifuse
