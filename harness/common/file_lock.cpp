#include "common/file_lock.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fmt/core.h>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

#include "common/files.hpp"
#include "common/signals.hpp"

namespace mtls::common {
namespace {

namespace fs = std::filesystem;
constexpr auto kPollEvery = std::chrono::milliseconds(50);

int open_lock_file(const fs::path& file) {
  if (file.has_parent_path()) make_dirs(file.parent_path());
  int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  // On a read-only file system an existing lock file still locks; it just cannot say who.
  if (fd < 0 && (errno == EROFS || errno == EACCES)) fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    throw std::runtime_error(fmt::format("cannot open the lock file {}: {}", file.string(),
                                         std::strerror(errno)));
  return fd;
}

std::string holder_of(int fd) {
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string pid = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid.empty() ? "unknown" : pid;
}

// Best effort: a full disk must not stop a run that could otherwise go ahead.
void write_owner(int fd) {
  const std::string pid = std::to_string(::getpid()) + "\n";
  [[maybe_unused]] const bool written =
      ::ftruncate(fd, 0) == 0 && ::pwrite(fd, pid.data(), pid.size(), 0) > 0;
}

}  // namespace

std::chrono::milliseconds lock_wait() {
  if (const char* v = std::getenv("MTLS_HARNESS_LOCK_WAIT_MS"); v && *v) {
    char* end = nullptr;
    const long ms = std::strtol(v, &end, 10);
    if (end && *end == '\0' && ms >= 0) return std::chrono::milliseconds(ms);
  }
  return std::chrono::seconds(30);
}

FileLock FileLock::acquire(const fs::path& file, std::chrono::milliseconds wait,
                           const std::string& what) {
  const int fd = open_lock_file(file);
  const auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) break;
    const int err = errno;
    if (err != EWOULDBLOCK && err != EINTR) {
      ::close(fd);
      throw std::runtime_error(fmt::format("cannot lock {}: {}", file.string(), std::strerror(err)));
    }
    if (stop_requested()) {
      ::close(fd);
      throw_if_stopped("while waiting for the lock " + file.string());
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      const std::string pid = holder_of(fd);
      ::close(fd);
      throw LockBusy(fmt::format(
          "{} is in use by another mtls-harness, PID {} (lock file {}); waited {:.1f} s. Let "
          "that run finish or stop it (kill {}), or set MTLS_HARNESS_LOCK_WAIT_MS to wait longer",
          what, pid, file.string(), std::chrono::duration<double>(wait).count(), pid));
    }
    std::this_thread::sleep_for(kPollEvery);
  }
  write_owner(fd);
  return FileLock(fd);
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the descriptor releases the flock
}

FileLock& FileLock::operator=(FileLock&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

}  // namespace mtls::common
