// One run at a time per fixture set and per report directory: an exclusive flock on a lock
// file that holds the owner's PID as text, so whoever has to wait can be told who holds it.
// The lock goes with the process (closed descriptor, crash, SIGKILL): a stale lock file never
// blocks anyone.
#pragma once

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace mtls::common {

// The wait ran out while another process held the lock.
struct LockBusy : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// How long a second run waits for a lock: MTLS_HARNESS_LOCK_WAIT_MS when set, else 30 s.
std::chrono::milliseconds lock_wait();

class FileLock {
 public:
  FileLock() = default;
  // Locks `file` (created 0644, with its parent directory), polling until `wait` has passed,
  // and writes this process's PID into it. `what` names the thing guarded in messages
  // ("fixture set fixtures/quickstart"). Throws LockBusy naming the holder's PID and the
  // file when the wait runs out, Interrupted when a stop signal arrives while waiting, and
  // std::runtime_error when the file cannot be created or opened.
  static FileLock acquire(const std::filesystem::path& file, std::chrono::milliseconds wait,
                          const std::string& what);
  ~FileLock();
  FileLock(FileLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  FileLock& operator=(FileLock&& o) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  bool held() const { return fd_ >= 0; }

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace mtls::common
