// lib/TensorFile: data-only weights files (issue #14). Round trip, and every way a crafted file is refused
// before anything is allocated from it.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <string>

#include "TestSupport.h"
#include "lib/core/Error.h"
#include "lib/core/TensorFile.h"

using namespace hsifuse;

namespace {

// A raw file: the 8-byte little-endian header length, the header text, then `data`.
void writeRaw(const std::string& path, const std::string& header, const std::string& data,
              std::uint64_t lengthField = 0) {
  std::string out;
  const std::uint64_t n = lengthField ? lengthField : header.size();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  std::ofstream(path, std::ios::binary) << out << header << data;
}

std::string refusal(const std::string& path) {
  try {
    readTensorFile(path);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(TensorFile, RoundTripsNamesShapesValuesAndMetadata) {
  test::TempDir dir;
  TensorFile f;
  f.tensors.push_back({"conv.weight", {2, 1, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8}});
  f.tensors.push_back({"conv.bias", {2}, {-0.5f, 1e-30f}});
  f.tensors.push_back({"empty", {0}, {}});
  f.metadata["completed_steps"] = "42";
  writeTensorFile(dir.path("w.safetensors"), f);
  const TensorFile back = readTensorFile(dir.path("w.safetensors"));
  ASSERT_EQ(back.tensors.size(), 3u);
  ASSERT_NE(back.find("conv.weight"), nullptr);
  EXPECT_EQ(back.find("conv.weight")->shape, (std::vector<std::int64_t>{2, 1, 2, 2}));
  EXPECT_EQ(back.find("conv.weight")->values, f.tensors[0].values);
  EXPECT_EQ(back.find("conv.bias")->values, f.tensors[1].values);
  EXPECT_EQ(back.find("nope"), nullptr);
  EXPECT_EQ(back.metadata.at("completed_steps"), "42");
}

TEST(TensorFile, RefusesArchivesAndEveryInconsistentHeaderByName) {
  test::TempDir dir;
  const std::string p = dir.path("bad.safetensors");
  const std::string eight(8, '\0');  // two float32 values
  // A PyTorch archive is a zip: named as such, never opened.
  std::ofstream(p, std::ios::binary) << "PK\x03\x04 code.pkl __setstate__";
  EXPECT_NE(refusal(p).find("PyTorch/zip archive"), std::string::npos);
  std::ofstream(p, std::ios::binary) << "abc";
  EXPECT_NE(refusal(p).find("not a weights file"), std::string::npos);
  writeRaw(p, "{}", "", 1ull << 40);  // a header length past the end
  EXPECT_NE(refusal(p).find("header length"), std::string::npos);
  writeRaw(p, "not json", "");
  EXPECT_NE(refusal(p).find("not JSON"), std::string::npos);
  writeRaw(p, R"({"w":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}})", eight);
  EXPECT_NE(refusal(p).find("F32 only"), std::string::npos);
  writeRaw(p, R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", eight);
  EXPECT_NE(refusal(p).find("byte range of 8 bytes for 3"), std::string::npos);
  writeRaw(p, R"({"w":{"dtype":"F32","shape":[100000000,100000000],"data_offsets":[0,8]}})", eight);
  EXPECT_NE(refusal(p).find("larger than the file"), std::string::npos);  // checked before any product overflows
  writeRaw(p, R"({"w":{"dtype":"F32","shape":[4,4],"data_offsets":[0,8]}})", eight);
  EXPECT_NE(refusal(p).find("more values than the file"), std::string::npos);
  writeRaw(p, R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}})", eight);
  EXPECT_NE(refusal(p).find("outside the 8 data bytes"), std::string::npos);
  writeRaw(
      p,
      R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
      eight);
  EXPECT_NE(refusal(p).find("overlap or gap"), std::string::npos);
  writeRaw(p, R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", eight);
  EXPECT_NE(refusal(p).find("the tensors cover 4"), std::string::npos);
  writeRaw(p, R"({"__metadata__":{"step":3}})", "");
  EXPECT_NE(refusal(p).find("not a string"), std::string::npos);
  writeRaw(p, R"({"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", eight);
  EXPECT_NE(refusal(p).find("non-negative integer"), std::string::npos);
  // Each message names the file.
  EXPECT_NE(refusal(p).find(p), std::string::npos);
}
