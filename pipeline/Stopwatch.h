#pragma once
// Seconds since a point in time, for the jobs' reports.
#include <chrono>

namespace hsifuse {

using Clock = std::chrono::steady_clock;

inline double secondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

}  // namespace hsifuse
