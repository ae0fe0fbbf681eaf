#pragma once
// Network weights as data only (issue #14): the safetensors layout (an 8-byte little-endian header length, a
// JSON header naming each tensor's dtype, shape and byte range, then the raw little-endian values), so a model
// file can hold numbers and strings but never code. PyTorch archives (.pt) are zip files with a pickled code
// section that runs when loaded; hsi-fuse neither writes nor reads them. Float32 tensors only. The reader checks
// every header field against the file before it allocates anything. Torch-free, so tested without LibTorch.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hsifuse {

struct NamedTensor {
  std::string name;
  std::vector<std::int64_t> shape;
  std::vector<float> values;  // row-major, shape's product entries
};

struct TensorFile {
  std::vector<NamedTensor> tensors;             // in file order
  std::map<std::string, std::string> metadata;  // the header's "__metadata__" (strings only)

  // The tensor called `name`, or nullptr.
  const NamedTensor* find(const std::string& name) const;
};

// Refuses files over this size (a model of hsi-fuse is a few MB; a checkpoint three times that).
inline constexpr std::uint64_t kMaxTensorFileBytes = 2'000'000'000;

// Writes `file` to `path` (callers write to a temporary name and rename). Throws Error when the write fails.
void writeTensorFile(const std::string& path, const TensorFile& file);

// Reads and validates a file written by writeTensorFile (or any safetensors file of F32 tensors). Throws
// InputError naming `path` and what is wrong: not a weights file (a PyTorch zip archive is named as such),
// a header that does not parse, another dtype, a shape whose size does not match its byte range, byte ranges
// that overlap, leave gaps or run past the end.
TensorFile readTensorFile(const std::string& path);

}  // namespace hsifuse
