// lib/core/MemoryCeiling.h: buffers sized from a header are checked before they are allocated.
#include <gtest/gtest.h>

#include "lib/core/Error.h"
#include "lib/core/MemoryCeiling.h"

using namespace hsifuse;

namespace {

std::string refusal(double bytes, double copies) {
  try {
    requireMemory(bytes, copies, "a.tif: 10 x 10 x 10 values");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(MemoryCeiling, RefusesWhatExceedsRamOrThePhysicalMemoryNamingBoth) {
  setMemoryCeiling(100);
  EXPECT_EQ(refusal(60e6, 1), "");
  EXPECT_EQ(refusal(60e6, 2),
            "a.tif: 10 x 10 x 10 values need 0.1 GB as Float32 (about 2 copies), more than --ram 100 MB; crop it first "
            "(gdal_translate -srcwin)");
  // A --ram beyond this machine's memory does not let a larger buffer through.
  setMemoryCeiling(1e12);
  EXPECT_NE(refusal(1e15, 1).find("more than this machine's"), std::string::npos);
  setMemoryCeiling(0);
  EXPECT_EQ(refusal(1e6, 1), "");
  EXPECT_NE(refusal(1e15, 1).find("a.tif: 10 x 10 x 10 values need 1000000.0 GB"), std::string::npos);
}
