// A gateway executable used as a tool: find it, run a short command of it (version, config
// check) to completion. Shared by every gateway the harness launches (nginx, HAProxy, Apache
// httpd, Caddy).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace mtls::target::launch {

// `name`: a path when it has a '/', else looked up in PATH and then /usr/sbin and /sbin (a
// normal user's PATH often lacks them on Debian). Throws TargetError("<gateway> not found:
// install the Debian package <package> (ci/setup does)") when there is no such executable.
std::filesystem::path locate(const std::string& name, std::string_view gateway,
                             std::string_view package, std::string_view configured_as = {});

struct ToolResult {
  int status = -1;
  std::string output;  // stdout and stderr together
};

// Runs `argv` to completion (10 s at most, then it is stopped and TargetError thrown); its
// output goes through `output_file` because common::spawn redirects to files, not pipes.
ToolResult run_tool(const std::vector<std::string>& argv, const std::filesystem::path& output_file);

// The version token that follows `marker` in a `-v` style output: "nginx/" in
// "nginx version: nginx/1.22.1" gives "1.22.1". Throws TargetError quoting the output.
std::string version_after(const ToolResult& r, std::string_view marker, std::string_view command);

}  // namespace mtls::target::launch
