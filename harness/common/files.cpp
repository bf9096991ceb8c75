#include "common/files.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
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

namespace {

std::string size_text(std::size_t bytes) {
  if (bytes % (1024 * 1024) == 0) return std::to_string(bytes / (1024 * 1024)) + " MiB";
  if (bytes % 1024 == 0) return std::to_string(bytes / 1024) + " KiB";
  return std::to_string(bytes) + " bytes";
}

std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

[[noreturn]] void refuse(const std::filesystem::path& p, const std::string& why) {
  throw std::runtime_error("cannot read " + p.string() + ": " + why);
}

std::string not_regular(mode_t mode) {
  return kind_of(mode) + ", not a regular file; give the path of a file";
}

std::string too_large(std::size_t limit) {
  return "larger than the " + size_text(limit) + " limit for input files; is it the right file?";
}

}  // namespace

std::string read_file(const std::filesystem::path& path, std::size_t limit) {
  // O_NONBLOCK: opening a FIFO for reading waits for a writer otherwise. The fstat below
  // refuses it (and devices, directories) before a single read.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) refuse(path, std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    refuse(path, std::strerror(err));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    refuse(path, not_regular(st.st_mode));
  }
  if (static_cast<std::uintmax_t>(st.st_size) > limit) {
    ::close(fd);
    refuse(path, too_large(limit));
  }
  // Read up to one byte past the limit: a file that grows while being read is refused too.
  std::string out;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      refuse(path, std::strerror(err));
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > limit) {
      ::close(fd);
      refuse(path, too_large(limit));
    }
  }
  ::close(fd);
  return out;
}

std::optional<std::string> input_file_problem(const std::filesystem::path& path,
                                              std::size_t limit) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::string(std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return not_regular(st.st_mode);
  if (static_cast<std::uintmax_t>(st.st_size) > limit) return too_large(limit);
  return std::nullopt;
}

void check_input_file(const std::filesystem::path& path, std::size_t limit) {
  if (auto why = input_file_problem(path, limit)) refuse(path, *why);
}

void make_dirs(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create directory " + dir.string() + ": " + ec.message());
}

}  // namespace mtls::common
