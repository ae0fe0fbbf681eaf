#pragma once
// Outputs are written under a temporary name in the target folder and renamed over the final name
// only when complete, so a failed or interrupted run never leaves a half-written file behind.
#include <string>
#include <utility>
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
// --overwrite. Temporaries a killed run left beside an output (".NAME.tmp-PID-*", ".NAME.hsifuse-stage1-PID.tif"
// whose PID no longer runs) are removed. Empty paths and "-" (standard output) are skipped; inputs that are not files
// (GDAL dataset names such as GTIFF_DIR:2:f.tif, NETCDF:"f.nc":x, /vsizip/a.zip/b.tif) clash through the files they
// name (f.tif, f.nc, a.zip).
void checkOutputs(const std::vector<NamedPath>& outputs, const std::vector<NamedPath>& inputs, bool overwrite);

// The files a GDAL dataset name reads: the name itself, and where it is not a plain file, the files inside it: each
// ':'-separated part of a connection string (GTIFF_DIR:2:f.tif, NETCDF:"f.nc":var, SENTINEL2_L1C:MTD.xml:10m:...)
// that exists, the archive or file under a /vsi prefix (/vsizip/a.zip/b.tif -> a.zip), and every file in a folder
// (a Sentinel-2 .SAFE). Outputs are compared with all of them, so that no spelling of an input can be overwritten;
// manifests checksum them.
std::vector<std::string> filesNamedBy(const std::string& name);

// A folder as an output (fuse --save-adaptation DIR): refused (InputError naming `folder.option`) when it is, or
// holds, one of `others` (inputs and other outputs); when it exists without --overwrite; when it exists and is not a
// folder, or is a non-empty folder without `marker` in it (so --overwrite replaces only what hsi-fuse wrote); and
// when its parent folder is missing or not writable.
void checkOutputFolder(const NamedPath& folder, const std::string& marker, const std::vector<NamedPath>& others,
                       bool overwrite);

// A folder written all at once: fill temporary(), then commit() puts it at `path` (replacing the folder there, which
// checkOutputFolder has vetted). Dropped before commit(), the temporary folder is removed.
class FolderWriter {
 public:
  explicit FolderWriter(std::string path);
  FolderWriter(const FolderWriter&) = delete;
  FolderWriter& operator=(const FolderWriter&) = delete;
  ~FolderWriter();
  const std::string& temporary() const { return temporary_; }
  void commit();

 private:
  std::string path_, temporary_;
  bool committed_ = false;
};

// A temporary name beside `path` (same folder, so the final rename is atomic), e.g.
// "dir/.out.tif.tmp-1234-1.tif"; the original extension is kept for drivers that look at it.
std::string temporaryPathFor(const std::string& path);

// The finished files (and folders) of a multi-file command: removed again when the object goes out of scope before
// keep() (an exception after the first of them was committed), so the command writes all of its outputs or none.
class FilesToRemoveOnFailure {
 public:
  FilesToRemoveOnFailure() = default;
  FilesToRemoveOnFailure(const FilesToRemoveOnFailure&) = delete;
  FilesToRemoveOnFailure& operator=(const FilesToRemoveOnFailure&) = delete;
  ~FilesToRemoveOnFailure();
  void add(const std::string& path) { paths_.push_back(path); }
  void keep() { paths_.clear(); }

 private:
  std::vector<std::string> paths_;
};

// A scratch file of the job's own (a warped VRT, the first stage on disk), removed when the object goes, however the
// job ends; "" holds none. Moving hands the file over.
class TemporaryFile {
 public:
  TemporaryFile() = default;
  explicit TemporaryFile(std::string path) : path_(std::move(path)) {}
  TemporaryFile(TemporaryFile&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  TemporaryFile& operator=(TemporaryFile&& o) noexcept;
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  ~TemporaryFile() { remove(); }
  const std::string& path() const { return path_; }
  void remove();

 private:
  std::string path_;
};

// Writes `text` to `path` through a temporary file.
void writeTextFileAtomically(const std::string& path, const std::string& text, bool overwrite,
                             const std::string& option);

}  // namespace hsifuse
