#include "common/files.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace mtls::common {
namespace {

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& p, int err) {
  throw std::runtime_error(what + " " + p.string() + ": " + std::strerror(err));
}

}  // namespace

namespace {

// Writes `content` to a temporary beside `path` and returns its name; removes it on failure.
std::filesystem::path stage(const std::filesystem::path& path, std::string_view content,
                            mode_t mode, Durability d) {
  auto tmp = path;
  tmp += ".tmp." + std::to_string(::getpid());
  // O_EXCL + explicit mode: a secret is never readable by others, not even for a moment.
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0 && errno == EEXIST) {
    ::unlink(tmp.c_str());
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_EXCL | O_CLOEXEC, mode);
  }
  if (fd < 0) fail("cannot create", tmp, errno);
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      fail("cannot write", tmp, err);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, mode) != 0 || (d == Durability::durable && ::fsync(fd) != 0)) {
    int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    fail("cannot flush", tmp, err);
  }
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    fail("cannot close", tmp, err);
  }
  return tmp;
}

void commit(const std::filesystem::path& tmp, const std::filesystem::path& path) {
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    fail("cannot rename into place", path, err);
  }
}

}  // namespace

void write_file_atomic(const std::filesystem::path& path, std::string_view content,
                       mode_t mode, Durability d) {
  commit(stage(path, content, mode, d), path);
}

void write_files_atomic(const std::vector<FileContent>& files, mode_t mode, Durability d) {
  std::vector<std::filesystem::path> staged;
  try {
    for (const auto& f : files) staged.push_back(stage(f.path, f.content, mode, d));
  } catch (...) {
    for (const auto& tmp : staged) ::unlink(tmp.c_str());
    throw;
  }
  for (std::size_t i = 0; i < files.size(); ++i) commit(staged[i], files[i].path);
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string() + ": " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void make_dirs(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create directory " + dir.string() + ": " + ec.message());
}

}  // namespace mtls::common
