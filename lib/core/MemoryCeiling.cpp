#include "lib/core/MemoryCeiling.h"

#include <fmt/format.h>
#include <unistd.h>

#include "lib/core/Error.h"

namespace hsifuse {
namespace {

struct Ceiling {
  double bytes = 0;  // 0: physical memory
  std::string source;
};

Ceiling& ceiling() {
  static Ceiling c;
  return c;
}

double physicalBytes() {
  return double(::sysconf(_SC_PHYS_PAGES)) * double(::sysconf(_SC_PAGE_SIZE));
}

}  // namespace

void setMemoryCeiling(double megabytes, const std::string& source) {
  ceiling() = megabytes > 0 ? Ceiling{megabytes * 1e6, source} : Ceiling{};
}

void requireMemory(double bytes, double copies, const std::string& what, const std::string& as) {
  const Ceiling& c = ceiling();
  const double physical = physicalBytes();
  const bool byOption = c.bytes > 0 && (!(physical > 0) || c.bytes < physical);
  const double limit = byOption ? c.bytes : physical;
  if (!(limit > 0) || bytes * copies <= limit) return;
  const std::string against = byOption ? fmt::format("{} {:.0f} MB", c.source, c.bytes / 1e6)
                                       : fmt::format("this machine's {:.1f} GB", limit / 1e9);
  throw InputError(fmt::format("{} need {:.1f} GB{}{}, more than {}; crop it first (gdal_translate -srcwin)", what,
                               bytes * copies / 1e9, as,
                               copies > 1 ? fmt::format(" (about {:.0f} copies)", copies) : "", against));
}

}  // namespace hsifuse
