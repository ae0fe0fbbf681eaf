#pragma once
// How the process's allocator treats the buffers a run frees and allocates again (issue #15: no per-step page-fault
// storm).

namespace hsifuse {

// glibc returns freed memory to the system as soon as the top of its heap holds more than a threshold (dynamically
// at most 64 MB) and serves blocks over 32 MB by fresh mmaps, so every adaptation step's tensors of 5-20 MB came back
// as new, zero-filled pages: 8.3 million minor page faults in 150 steps of a 990 x 750 x 128 scene. Keeping freed
// memory up to 1 GB for reuse, and mapping only blocks over 256 MB (whole input cubes) separately, cut them to 0.37
// million and the adaptation's time by 13 % for 70 MB more peak RSS (bench/RESULTS.md). No effect but the return
// value where the C library is not glibc, or where the user set MALLOC_MMAP_THRESHOLD_ or MALLOC_TRIM_THRESHOLD_
// (their tuning wins). Returns whether the settings were applied.
bool keepFreedMemoryForReuse();

}  // namespace hsifuse
