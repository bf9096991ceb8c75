// Running the real mtls-harness binary from a test, as a user or a CI job would.
#pragma once

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <sys/types.h>
#include <vector>

namespace mtls::test {

struct CliResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

inline std::filesystem::path source_root() { return std::getenv("MTLS_SOURCE_ROOT"); }
inline std::filesystem::path build_root() { return std::getenv("MTLS_BUILD_ROOT"); }
inline std::filesystem::path harness_bin() { return std::getenv("MTLS_HARNESS_BIN"); }

// A scratch directory for one test, emptied first.
std::filesystem::path scratch(const std::string& name);

// Runs `mtls-harness args...` from `workdir`; arguments are passed without a shell.
CliResult run_harness(const std::vector<std::string>& args, const std::filesystem::path& workdir);

// The same, started in the background: stdout and stderr go to workdir/harness-output.txt.
pid_t start_harness(const std::vector<std::string>& args, const std::filesystem::path& workdir);
// Waits for a started harness; reads its output.
CliResult wait_harness(pid_t pid, const std::filesystem::path& workdir);

// Polls a started harness's output until `text` shows up; false when `limit` passes first.
bool wait_for_output(const std::filesystem::path& workdir, const std::string& text,
                     std::chrono::milliseconds limit);

}  // namespace mtls::test
