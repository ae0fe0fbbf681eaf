#include "lib/core/AtomicOutput.h"

#include <fmt/format.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "lib/core/Error.h"

namespace fs = std::filesystem;

namespace hsifuse {

void checkOutputPath(const std::string& path, bool overwrite, const std::string& option) {
  std::error_code ec;
  if (path.empty()) throw InputError(option + ": the output path is empty");
  const fs::file_status status = fs::status(path, ec);
  if (fs::exists(status)) {
    if (!fs::is_regular_file(status))
      throw InputError(option + ": " + path +
                       " exists and is not a regular file (a folder, device, FIFO or socket); "
                       "name a file: --overwrite replaces regular files only");
    if (!overwrite) throw InputError(option + ": " + path + " already exists (add --overwrite to replace it)");
  }
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  if (!fs::is_directory(dir, ec))
    throw InputError(option + ": the folder of " + path + " does not exist (create it first)");
  if (::access(dir.c_str(), W_OK) != 0)
    throw InputError(option + ": cannot write in the folder of " + path + " (permission denied)");
}

namespace {

// What a path names, for comparing two spellings: the device and inode when it exists (hard links, links
// followed), and always its canonical form (links in the existing part followed, "." and ".." folded).
struct FileIdentity {
  bool exists = false;
  dev_t device = 0;
  ino_t inode = 0;
  std::string canonical;

  explicit FileIdentity(const std::string& path) {
    std::error_code ec;
    canonical = fs::weakly_canonical(path, ec).string();
    if (ec) canonical = fs::absolute(path, ec).lexically_normal().string();
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) exists = true, device = st.st_dev, inode = st.st_ino;
  }
  bool same(const FileIdentity& o) const {
    if (exists && o.exists) return device == o.device && inode == o.inode;
    return canonical == o.canonical;
  }
};

}  // namespace

namespace {

// A SIGKILL leaves a run's temporary behind; the next run that writes the same output removes it once the PID
// in its name is gone (a live PID may be another run writing the same name right now: left alone).
void removeStaleTemporaries(const std::string& output) {
  const fs::path out(output);
  fs::path dir = out.parent_path();
  if (dir.empty()) dir = ".";
  const std::string name = out.filename().string();
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string f = e.path().filename().string();
    std::string rest;
    for (const std::string& prefix : {"." + name + ".tmp-", "." + name + ".hsifuse-stage1-"})
      if (f.rfind(prefix, 0) == 0) rest = f.substr(prefix.size());
    if (rest.empty() || !std::isdigit(static_cast<unsigned char>(rest[0]))) continue;
    const long pid = std::strtol(rest.c_str(), nullptr, 10);
    if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) fs::remove_all(e.path(), ec);
  }
}

}  // namespace

std::vector<std::string> filesNamedBy(const std::string& name) {
  std::vector<std::string> files{name};
  std::error_code ec;
  if (fs::is_directory(name, ec)) {  // a product folder (a Sentinel-2 .SAFE): every file in it, in a fixed order
    std::vector<std::string> inside;
    for (const auto& e : fs::recursive_directory_iterator(name, ec))
      if (e.is_regular_file(ec)) inside.push_back(e.path().string());
    std::sort(inside.begin(), inside.end());
    files.insert(files.end(), inside.begin(), inside.end());
    return files;
  }
  if (fs::exists(name, ec)) return files;
  auto addExisting = [&](std::string part) {
    if (part.size() >= 2 && part.front() == '"' && part.back() == '"') part = part.substr(1, part.size() - 2);
    if (!part.empty() && fs::exists(part, ec)) files.push_back(part);
  };
  if (name.rfind("/vsi", 0) == 0) {
    const std::size_t slash = name.find('/', 1);
    if (slash == std::string::npos) return files;
    fs::path walked;
    for (const fs::path& piece : fs::path(name.substr(slash + 1))) {
      walked /= piece;
      if (fs::is_regular_file(walked, ec)) {
        files.push_back(walked.string());
        break;
      }
    }
    return files;
  }
  std::size_t start = 0;
  for (std::size_t colon = name.find(':'); start <= name.size(); colon = name.find(':', start)) {
    addExisting(name.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return files;
}

void checkOutputs(const std::vector<NamedPath>& outputs, const std::vector<NamedPath>& inputs, bool overwrite) {
  std::vector<std::pair<const NamedPath*, FileIdentity>> seen;
  for (const NamedPath& in : inputs)
    if (!in.path.empty() && in.path != "-")
      for (const std::string& file : filesNamedBy(in.path)) seen.emplace_back(&in, FileIdentity(file));
  const std::size_t inputCount = seen.size();
  for (const NamedPath& out : outputs) {
    if (out.path.empty() || out.path == "-") continue;
    const FileIdentity id(out.path);
    for (std::size_t i = 0; i < seen.size(); ++i)
      if (seen[i].second.same(id))
        throw InputError(fmt::format("{}: {} is the same file as {} {} ({}); write {} elsewhere", out.option, out.path,
                                     i < inputCount ? "the input" : "the output", seen[i].first->option,
                                     seen[i].first->path, out.option));
    checkOutputPath(out.path, overwrite, out.option);
    removeStaleTemporaries(out.path);
    seen.emplace_back(&out, id);
  }
}

FilesToRemoveOnFailure::~FilesToRemoveOnFailure() {
  std::error_code ec;
  for (const std::string& p : paths_) fs::remove_all(p, ec);
}

void checkOutputFolder(const NamedPath& folder, const std::string& marker, const std::vector<NamedPath>& others,
                       bool overwrite) {
  if (folder.path.empty()) return;
  const FileIdentity id(folder.path);
  for (const NamedPath& o : others) {
    if (o.path.empty() || o.path == "-") continue;
    for (const std::string& file : filesNamedBy(o.path)) {
      const FileIdentity other(file);
      const std::string inside = id.canonical + "/";
      if (other.same(id) || other.canonical.rfind(inside, 0) == 0)
        throw InputError(fmt::format("{}: {} is or holds {} ({}); name another folder", folder.option, folder.path,
                                     o.option, o.path));
    }
  }
  std::error_code ec;
  const fs::file_status status = fs::status(folder.path, ec);
  if (fs::exists(status)) {
    if (!fs::is_directory(status))
      throw InputError(fmt::format("{}: {} exists and is not a folder", folder.option, folder.path));
    if (!overwrite)
      throw InputError(
          fmt::format("{}: {} already exists (add --overwrite to replace it)", folder.option, folder.path));
    if (!fs::is_empty(folder.path, ec) && !fs::exists(fs::path(folder.path) / marker))
      throw InputError(
          fmt::format("{}: {} is a folder hsi-fuse did not write (it has no {}); --overwrite replaces only "
                      "those: name a new or empty folder",
                      folder.option, folder.path, marker));
  }
  removeStaleTemporaries(fs::path(folder.path).lexically_normal().string());
  fs::path parent = fs::path(folder.path).lexically_normal().parent_path();
  if (parent.empty()) parent = ".";
  if (!fs::is_directory(parent, ec))
    throw InputError(folder.option + ": the folder that would hold " + folder.path +
                     " does not exist (create it first)");
  if (::access(parent.c_str(), W_OK) != 0)
    throw InputError(folder.option + ": cannot write in the folder that would hold " + folder.path +
                     " (permission denied)");
}

FolderWriter::FolderWriter(std::string path) : path_(fs::path(std::move(path)).lexically_normal().string()) {
  while (!path_.empty() && path_.size() > 1 && path_.back() == '/') path_.pop_back();
  temporary_ = temporaryPathFor(path_);
  fs::create_directory(temporary_);
}

FolderWriter::~FolderWriter() {
  std::error_code ec;
  if (!committed_) fs::remove_all(temporary_, ec);
}

void FolderWriter::commit() {
  std::error_code ec;
  std::string old;
  if (fs::exists(path_, ec)) {
    old = temporaryPathFor(path_);
    fs::rename(path_, old);
  }
  fs::rename(temporary_, path_);
  committed_ = true;
  if (!old.empty()) fs::remove_all(old, ec);
}

TemporaryFile& TemporaryFile::operator=(TemporaryFile&& o) noexcept {
  if (this != &o) {
    remove();
    path_ = std::move(o.path_);
    o.path_.clear();
  }
  return *this;
}

void TemporaryFile::remove() {
  std::error_code ec;
  if (!path_.empty()) fs::remove(path_, ec);
  path_.clear();
}

std::string temporaryPathFor(const std::string& path) {
  static std::atomic<int> counter{0};
  const fs::path p(path);
  const std::string name = "." + p.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                           std::to_string(++counter) + p.extension().string();
  return (p.parent_path() / name).string();
}

void writeTextFileAtomically(const std::string& path, const std::string& text, bool overwrite,
                             const std::string& option) {
  checkOutputPath(path, overwrite, option);
  const std::string tmp = temporaryPathFor(path);
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      throw Error(path + ": write failed (disk full?)");
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    std::remove(tmp.c_str());
    throw Error(path + ": cannot rename the finished file into place: " + ec.message());
  }
}

}  // namespace hsifuse
