#pragma once
// The most memory a buffer sized from an input's header may ask for (issue #14: a 100000 x 100000 x 500 header
// ended in std::bad_alloc or the OOM killer). Readers check before they allocate, so such an input is exit 2 with
// a message naming the file and its size instead.
#include <string>

namespace hsifuse {

// The ceiling in MB: --ram for the commands that take it (where it is under this machine's physical memory), else
// (0) the physical memory.
void setMemoryCeiling(double megabytes, const std::string& source = "--ram");
// Throws InputError when `copies` buffers of `bytes` exceed the ceiling: "<what> need X GB as Float32 ..., more
// than <ceiling>; crop it first (gdal_translate -srcwin)"; `what` names the file and its size ("a.tif: W x H x B
// values").
// `as` says what a value is (" as Float32"; " at one byte each" for masks).
void requireMemory(double bytes, double copies, const std::string& what, const std::string& as = " as Float32");

}  // namespace hsifuse
