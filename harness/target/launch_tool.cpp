#include "target/launch_tool.hpp"

#include <chrono>
#include <cstdlib>
#include <fmt/format.h>
#include <sstream>
#include <thread>
#include <unistd.h>

#include "common/files.hpp"
#include "common/process.hpp"
#include "target/target.hpp"

namespace mtls::target::launch {
namespace fs = std::filesystem;
namespace {

constexpr auto command_timeout = std::chrono::seconds(10);

bool executable(const fs::path& p) {
  return fs::is_regular_file(p) && ::access(p.c_str(), X_OK) == 0;
}

}  // namespace

fs::path locate(const std::string& name, std::string_view gateway, std::string_view package,
                std::string_view configured_as) {
  if (name.find('/') != std::string::npos) {
    if (executable(name)) return fs::absolute(name);
  } else {
    std::vector<std::string> dirs;
    std::istringstream path(std::getenv("PATH") ? std::getenv("PATH") : "");
    for (std::string d; std::getline(path, d, ':');)
      if (!d.empty()) dirs.push_back(d);
    dirs.insert(dirs.end(), {"/usr/sbin", "/sbin"});
    for (const auto& d : dirs)
      if (executable(fs::path(d) / name)) return fs::path(d) / name;
  }
  const std::string hint = configured_as.empty() ? "" : fmt::format(" ({})", configured_as);
  throw TargetError(fmt::format("{} not found{}: install the Debian package {} (ci/setup does)",
                                gateway, hint, package));
}

ToolResult run_tool(const std::vector<std::string>& argv, const fs::path& output_file) {
  std::error_code ec;
  fs::remove(output_file, ec);
  const pid_t pid = common::spawn({argv, output_file, output_file, {}});
  ToolResult r;
  const auto deadline = std::chrono::steady_clock::now() + command_timeout;
  while (!common::has_exited(pid, &r.status)) {
    if (std::chrono::steady_clock::now() > deadline) {
      common::stop_process(pid);
      throw TargetError(fmt::format("'{}' did not finish within {} s", fmt::join(argv, " "),
                                    command_timeout.count()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  r.output = fs::exists(output_file) ? common::read_file(output_file, common::kNoFileLimit) : "";
  return r;
}

std::string version_after(const ToolResult& r, std::string_view marker, std::string_view command) {
  const auto at = r.output.find(marker);
  if (r.status != 0 || at == std::string::npos)
    throw TargetError(fmt::format("'{}' gave no version (exit {}): {}", command, r.status,
                                  r.output));
  const auto begin = at + marker.size();
  return r.output.substr(begin, r.output.find_first_of(" \t\r\n", begin) - begin);
}

}  // namespace mtls::target::launch
