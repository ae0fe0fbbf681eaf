#pragma once
// Finds files shipped in share/ (srf curves, band tables, later weights), so that a build-tree
// binary, an installed one and the tests all find the same data.
#include <string>

namespace hsifuse {

// Search order: $HSIFUSE_DATA, the share/ directory compiled in (HSIFUSE_SHARE_DIR), then
// <executable>/../share/hsi-fuse. Returns the first existing path; throws Error when none exists.
std::string findShareFile(const std::string& relative);

}  // namespace hsifuse
