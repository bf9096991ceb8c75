// Child processes the harness starts (nginx and other gateways) and loopback ports.
// Only processes started here are ever signalled, always by PID.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>
#include <sys/types.h>

namespace mtls::common {

struct SpawnOptions {
  std::vector<std::string> argv;     // argv[0] is looked up in PATH
  std::filesystem::path stdout_file;  // empty: /dev/null
  std::filesystem::path stderr_file;  // empty: /dev/null
  std::filesystem::path workdir;      // empty: inherit
};

// Starts the child in its own process group; throws with argv[0] and strerror on failure.
pid_t spawn(const SpawnOptions& opts);

// Non-blocking: true and *exit_status set if the child has exited (reaped).
bool has_exited(pid_t pid, int* exit_status = nullptr);

// SIGTERM, wait up to `grace`, then SIGKILL; reaps the child. Safe to call twice.
void stop_process(pid_t pid, std::chrono::milliseconds grace = std::chrono::milliseconds(3000));

// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read, close).
int free_loopback_port();

// Polls until a TCP connect to host:port succeeds or `timeout` passes.
// Returns false on timeout, or early if `pid` (when > 0) exits meanwhile.
bool wait_until_listening(const std::string& host, int port, std::chrono::milliseconds timeout,
                          pid_t pid = 0);

}  // namespace mtls::common
