// The nginx executable as a tool: find it, ask its version, let it check a config.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace mtls::target::nginx {

// `name` as given ([target] nginx_binary): a path when it has a '/', else looked up in PATH
// and then /usr/sbin and /sbin (a normal user's PATH often lacks them on Debian).
// Throws TargetError("nginx not found: ...") when there is no such executable.
std::filesystem::path locate(const std::string& name);

// "1.22.1", from `nginx -v`. `scratch` receives the command's output.
std::string version(const std::filesystem::path& binary, const std::filesystem::path& scratch);

// `nginx -t` on the rendered config; throws TargetError with nginx's own message and the
// config path when nginx rejects it.
void test_config(const std::filesystem::path& binary, const std::filesystem::path& runtime_dir,
                 const std::filesystem::path& conf);

// The argv that runs nginx in the foreground from `runtime_dir` (-p, -c, -e), plus `extra`.
std::vector<std::string> command(const std::filesystem::path& binary,
                                 const std::filesystem::path& runtime_dir,
                                 const std::filesystem::path& conf,
                                 const std::vector<std::string>& extra = {});

}  // namespace mtls::target::nginx
