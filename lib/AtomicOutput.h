#pragma once
// Outputs are written under a temporary name in the target folder and renamed over the final name
// only when complete, so a failed or interrupted run never leaves a half-written file behind.
#include <string>
#include <vector>

namespace hsifuse {

// Throws InputError when `path` exists and `overwrite` is false, when it exists and is not a regular file (a
// folder, device, FIFO or socket: --overwrite replaces regular files only), or when its folder does not exist
// or is not writable. `option` names the command-line option or argument that gave the path.
void checkOutputPath(const std::string& path, bool overwrite, const std::string& option);

// A path a command reads or writes, with the option or argument that named it.
struct NamedPath {
  std::string path;
  std::string option;
};

// The one output rule of every command (issue #14), run before any work: each output passes checkOutputPath,
// and no output may be the same file as an input or as another output, whatever the spelling ("./a.tif",
// "dir/../a.tif", a symbolic link to it, a hard link): a clash is InputError naming both, even with
// --overwrite. Empty paths and "-" (standard output) are skipped; inputs that are not files (GDAL dataset names
// such as "HDF5:f.h5://x") only clash when they resolve to the same name.
void checkOutputs(const std::vector<NamedPath>& outputs, const std::vector<NamedPath>& inputs, bool overwrite);

// A temporary name beside `path` (same folder, so the final rename is atomic), e.g.
// "dir/.out.tif.tmp-1234-1.tif"; the original extension is kept for drivers that look at it.
std::string temporaryPathFor(const std::string& path);

// Writes `text` to `path` through a temporary file.
void writeTextFileAtomically(const std::string& path, const std::string& text, bool overwrite,
                             const std::string& option);

}  // namespace hsifuse
