#include "lib/core/TensorFile.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "lib/core/Error.h"

namespace hsifuse {
namespace {

using nlohmann::json;

constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;
constexpr int kMaxRank = 8;

void putLittleEndian64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint64_t getLittleEndian64(const unsigned char* b) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | b[i];
  return v;
}

bool littleEndianHost() {
  const std::uint32_t one = 1;
  unsigned char first = 0;
  std::memcpy(&first, &one, 1);
  return first == 1;
}

}  // namespace

const NamedTensor* TensorFile::find(const std::string& name) const {
  for (const NamedTensor& t : tensors)
    if (t.name == name) return &t;
  return nullptr;
}

void writeTensorFile(const std::string& path, const TensorFile& file) {
  if (!littleEndianHost()) throw Error("weights files are written on little-endian machines only");
  json header = json::object();
  std::uint64_t offset = 0;
  for (const NamedTensor& t : file.tensors) {
    std::uint64_t count = 1;
    for (std::int64_t d : t.shape) count *= static_cast<std::uint64_t>(d);
    if (count != t.values.size())
      throw Error(fmt::format("tensor {}: shape holds {} values, {} given", t.name, count, t.values.size()));
    header[t.name] = {{"dtype", "F32"}, {"shape", t.shape}, {"data_offsets", {offset, offset + 4 * count}}};
    offset += 4 * count;
  }
  if (!file.metadata.empty()) header["__metadata__"] = file.metadata;
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // keeps the data 8-byte aligned, as the format recommends
  std::string prefix;
  putLittleEndian64(prefix, text.size());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(prefix.data(), static_cast<std::streamsize>(prefix.size()));
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  for (const NamedTensor& t : file.tensors)
    out.write(reinterpret_cast<const char*>(t.values.data()), static_cast<std::streamsize>(4 * t.values.size()));
  out.flush();
  if (!out) throw Error(path + ": write failed (disk full?)");
}

TensorFile readTensorFile(const std::string& path) {
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) throw InputError(path + ": cannot read the weights file (" + ec.message() + ")");
  if (size > kMaxTensorFileBytes)
    throw InputError(fmt::format("{}: {} bytes is larger than any hsi-fuse weights file ({} at most)", path, size,
                                 kMaxTensorFileBytes));
  std::ifstream in(path, std::ios::binary);
  unsigned char prefix[8] = {};
  in.read(reinterpret_cast<char*>(prefix), 8);
  if (!in || size < 8) throw InputError(path + ": not a weights file (shorter than its 8-byte header length)");
  if (prefix[0] == 'P' && prefix[1] == 'K')
    throw InputError(path +
                     ": a PyTorch/zip archive, which can carry code that runs when loaded; hsi-fuse reads weights only "
                     "as safetensors (data only): retrain with `hsi-fuse train`, or convert it where you trust it");
  const std::uint64_t headerBytes = getLittleEndian64(prefix);
  if (headerBytes == 0 || headerBytes > kMaxHeaderBytes || headerBytes > size - 8)
    throw InputError(
        fmt::format("{}: not a weights file (header length {} for a file of {} bytes)", path, headerBytes, size));
  std::string text(headerBytes, '\0');
  in.read(text.data(), static_cast<std::streamsize>(headerBytes));
  if (!in) throw InputError(path + ": the weights header is truncated");
  json header;
  try {
    header = json::parse(text);
  } catch (const json::exception&) {
    throw InputError(path + ": not a weights file (its header is not JSON)");
  }
  if (!header.is_object()) throw InputError(path + ": not a weights file (its header is not a JSON object)");
  const std::uint64_t dataBytes = size - 8 - headerBytes;

  struct Entry {
    std::string name;
    std::vector<std::int64_t> shape;
    std::uint64_t begin, end;
  };
  std::vector<Entry> entries;
  TensorFile file;
  for (const auto& [name, v] : header.items()) {
    const auto bad = [&](const std::string& what) { return InputError(path + ": tensor '" + name + "': " + what); };
    if (name == "__metadata__") {
      if (!v.is_object()) throw InputError(path + ": __metadata__ is not an object");
      for (const auto& [k, value] : v.items()) {
        if (!value.is_string()) throw InputError(path + ": __metadata__ '" + k + "' is not a string");
        file.metadata[k] = value.get<std::string>();
      }
      continue;
    }
    if (!v.is_object() || !v.contains("dtype") || !v.contains("shape") || !v.contains("data_offsets"))
      throw bad("needs dtype, shape and data_offsets");
    if (v["dtype"] != "F32") throw bad("dtype " + v["dtype"].dump() + " (hsi-fuse reads F32 only)");
    const json& shape = v["shape"];
    const json& offsets = v["data_offsets"];
    if (!shape.is_array() || shape.size() > kMaxRank) throw bad("shape is not an array of at most 8 sizes");
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned())
      throw bad("data_offsets is not [begin, end]");
    Entry e{name, {}, offsets[0].get<std::uint64_t>(), offsets[1].get<std::uint64_t>()};
    std::uint64_t count = 1;
    for (const json& d : shape) {
      if (!d.is_number_unsigned()) throw bad("a size in its shape is not a non-negative integer");
      const std::uint64_t n = d.get<std::uint64_t>();
      if (n > dataBytes) throw bad("a size in its shape is larger than the file");
      count *= n;
      if (count > dataBytes) throw bad("its shape holds more values than the file");
      e.shape.push_back(static_cast<std::int64_t>(n));
    }
    if (e.end < e.begin || e.end > dataBytes)
      throw bad(fmt::format("byte range {}..{} is outside the {} data bytes", e.begin, e.end, dataBytes));
    if (e.end - e.begin != 4 * count)
      throw bad(fmt::format("byte range of {} bytes for {} float32 values", e.end - e.begin, count));
    entries.push_back(std::move(e));
  }
  // The byte ranges tile the data section exactly: no overlap (two names for the same bytes), no gap.
  std::vector<const Entry*> byOffset;
  for (const Entry& e : entries) byOffset.push_back(&e);
  std::sort(byOffset.begin(), byOffset.end(), [](const Entry* a, const Entry* b) { return a->begin < b->begin; });
  std::uint64_t expected = 0;
  for (const Entry* e : byOffset) {
    if (e->begin != expected)
      throw InputError(fmt::format("{}: tensor '{}' starts at byte {}, expected {} (overlap or gap)", path, e->name,
                                   e->begin, expected));
    expected = e->end;
  }
  if (expected != dataBytes)
    throw InputError(fmt::format("{}: {} data bytes, the tensors cover {}", path, dataBytes, expected));
  if (!littleEndianHost()) throw Error("weights files are read on little-endian machines only");
  const std::streamoff dataStart = static_cast<std::streamoff>(8 + headerBytes);
  for (const Entry* e : byOffset) {
    NamedTensor t{e->name, e->shape, std::vector<float>((e->end - e->begin) / 4)};
    in.seekg(dataStart + static_cast<std::streamoff>(e->begin));
    in.read(reinterpret_cast<char*>(t.values.data()), static_cast<std::streamsize>(e->end - e->begin));
    if (!in) throw InputError(path + ": truncated in tensor '" + e->name + "'");
    file.tensors.push_back(std::move(t));
  }
  return file;
}

}  // namespace hsifuse
