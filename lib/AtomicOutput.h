#pragma once
// Outputs are written under a temporary name in the target folder and renamed over the final name
// only when complete, so a failed or interrupted run never leaves a half-written file behind.
#include <string>

namespace hsifuse {

// Throws InputError when `path` exists and `overwrite` is false, or when its folder does not exist
// or is not writable. `option` names the command-line option or argument that gave the path.
void checkOutputPath(const std::string& path, bool overwrite, const std::string& option);

// A temporary name beside `path` (same folder, so the final rename is atomic), e.g.
// "dir/.out.tif.tmp-1234-1.tif"; the original extension is kept for drivers that look at it.
std::string temporaryPathFor(const std::string& path);

// Writes `text` to `path` through a temporary file.
void writeTextFileAtomically(const std::string& path, const std::string& text, bool overwrite,
                             const std::string& option);

}  // namespace hsifuse
