// What the safety tests share: the small scenario, a first good run to compare against, and
// running the harness with a limit on the size of files it may write.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "run_cli.hpp"

namespace mtls::test {

inline std::filesystem::path small_scenario() {
  return source_root() / "tests" / "safety" / "scenarios" / "small.toml";
}

// Every regular file below `dir`, relative to it, sorted.
std::vector<std::string> files_below(const std::filesystem::path& dir);

std::string slurp(const std::filesystem::path& file);

// Every file of a report directory with its bytes: what a failed write must leave as it was
// (no file added, such as a *.tmp.<pid>, none removed, none changed).
using DirSnapshot = std::map<std::string, std::string>;
DirSnapshot snapshot(const std::filesystem::path& dir);

// Runs `mtls-harness args...` in `workdir` with RLIMIT_FSIZE = `max_file_bytes` (SIGXFSZ
// ignored): a write past that size fails with EFBIG, like a disk that fills up mid-write.
// Output is read through a pipe, which the limit does not apply to.
CliResult run_harness_file_limit(const std::vector<std::string>& args,
                                 const std::filesystem::path& workdir,
                                 unsigned long max_file_bytes);

}  // namespace mtls::test
