// lib/core/Allocator.h: freed buffers come back without new page faults (issue #15's per-step fault storm).
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cstdlib>
#include <cstring>

#include "lib/core/Allocator.h"

namespace {

long minorFaults() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_minflt;
}

// A 64 MB buffer written through and freed, like an adaptation step's activations.
void useAndFree(std::size_t bytes) {
  char* p = static_cast<char*>(std::malloc(bytes));
  ASSERT_NE(p, nullptr);
  std::memset(p, 1, bytes);
  volatile char keep = p[bytes / 2];
  (void)keep;
  std::free(p);
}

}  // namespace

TEST(Allocator, FreedBuffersAreReusedWithoutNewPageFaults) {
#ifndef __GLIBC__
  GTEST_SKIP() << "the allocator settings are glibc's";
#else
  if (std::getenv("MALLOC_MMAP_THRESHOLD_") || std::getenv("MALLOC_TRIM_THRESHOLD_"))
    GTEST_SKIP() << "MALLOC_* tuning set in the environment wins";
  ASSERT_TRUE(hsifuse::keepFreedMemoryForReuse());
  const std::size_t bytes = 64u << 20;  // 16384 pages of 4 kB: glibc's defaults map and fault them every time
  useAndFree(bytes);
  const long before = minorFaults();
  useAndFree(bytes);
  EXPECT_LT(minorFaults() - before, 1000) << "the second buffer was faulted in again";
#endif
}
