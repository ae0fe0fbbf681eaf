#include "geo/GdalMetadataTag.h"

#include <fmt/format.h>

#include <cstdint>
#include <fstream>
#include <vector>

#include "lib/core/Error.h"

namespace hsifuse {
namespace {

constexpr std::uint16_t kGdalMetadataTag = 42112;

// Where the tag's text lies in the file: classic TIFF or BigTIFF, either byte order.
struct TagPlace {
  bool found = false;
  std::uint64_t offset = 0, length = 0;  // length: the ASCII count, its final NUL included
};

class TiffReader {
 public:
  explicit TiffReader(const std::string& path) : path_(path), in_(path, std::ios::binary) {
    if (!in_) throw Error(path + ": cannot open to read its TIFF tags");
  }

  TagPlace findGdalMetadata() {
    const std::vector<unsigned char> h = bytes(0, 16);
    if (h[0] == 'I' && h[1] == 'I')
      little_ = true;
    else if (h[0] == 'M' && h[1] == 'M')
      little_ = false;
    else
      throw Error(path_ + ": not a TIFF file");
    const std::uint64_t magic = number(h.data() + 2, 2);
    if (magic != 42 && magic != 43) throw Error(path_ + ": not a TIFF file");
    const bool big = magic == 43;
    const std::uint64_t ifd = big ? number(h.data() + 8, 8) : number(h.data() + 4, 4);
    const int countSize = big ? 8 : 2, entrySize = big ? 20 : 12, valueSize = big ? 8 : 4;
    const std::uint64_t entries = number(bytes(ifd, countSize).data(), countSize);
    const std::vector<unsigned char> table = bytes(ifd + countSize, entries * entrySize);
    for (std::uint64_t i = 0; i < entries; ++i) {
      const unsigned char* e = table.data() + i * entrySize;
      if (number(e, 2) != kGdalMetadataTag) continue;
      TagPlace place;
      place.found = true;
      place.length = number(e + 4, valueSize);
      const std::uint64_t valueAt = ifd + countSize + i * entrySize + 4 + valueSize;
      place.offset = place.length <= std::uint64_t(valueSize) ? valueAt : number(e + 4 + valueSize, valueSize);
      return place;
    }
    return {};
  }

  std::vector<unsigned char> bytes(std::uint64_t at, std::uint64_t n) {
    std::vector<unsigned char> out(n);
    in_.seekg(static_cast<std::streamoff>(at));
    if (!in_.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(n)))
      throw Error(path_ + ": truncated TIFF header");
    return out;
  }

 private:
  std::uint64_t number(const unsigned char* p, int size) const {
    std::uint64_t v = 0;
    for (int k = 0; k < size; ++k) v |= std::uint64_t(p[little_ ? k : size - 1 - k]) << (8 * k);
    return v;
  }

  std::string path_;
  std::ifstream in_;
  bool little_ = true;
};

}  // namespace

std::string readGdalMetadataTag(const std::string& path) {
  TiffReader tiff(path);
  const TagPlace place = tiff.findGdalMetadata();
  if (!place.found || place.length == 0) return {};
  const std::vector<unsigned char> text = tiff.bytes(place.offset, place.length);
  std::string out(text.begin(), text.end());
  while (!out.empty() && out.back() == '\0') out.pop_back();
  return out;
}

void rewriteGdalMetadataTag(const std::string& path, const std::string& xml) {
  TagPlace place;
  {
    TiffReader tiff(path);
    place = tiff.findGdalMetadata();
  }
  if (!place.found) throw Error(path + ": no GDAL_METADATA tag to rewrite");
  if (xml.size() + 1 > place.length)
    throw Error(fmt::format("{}: {} bytes of metadata do not fit the {} reserved", path, xml.size(), place.length - 1));
  std::string text = xml;
  text.resize(place.length - 1, ' ');
  text.push_back('\0');
  std::fstream out(path, std::ios::binary | std::ios::in | std::ios::out);
  out.seekp(static_cast<std::streamoff>(place.offset));
  if (!out.write(text.data(), static_cast<std::streamsize>(text.size())) || !out.flush())
    throw Error(path + ": cannot rewrite its GDAL_METADATA tag");
}

}  // namespace hsifuse
