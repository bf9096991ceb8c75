#include "target/nginx_binary.hpp"

#include <fmt/format.h>

#include "target/launch_tool.hpp"
#include "target/target.hpp"

namespace mtls::target::nginx {
namespace fs = std::filesystem;

fs::path locate(const std::string& name) {
  return launch::locate(name, "nginx", "nginx",
                        name == "nginx" ? "" : fmt::format("[target] nginx_binary = \"{}\"", name));
}

std::string version(const fs::path& binary, const fs::path& scratch) {
  // "nginx version: nginx/1.22.1"
  return launch::version_after(launch::run_tool({binary.string(), "-v"}, scratch / "nginx-version.txt"),
                               "nginx/", binary.string() + " -v");
}

void test_config(const fs::path& binary, const fs::path& runtime_dir, const fs::path& conf) {
  const auto r = launch::run_tool(command(binary, runtime_dir, conf, {"-t", "-q"}),
                                  runtime_dir / "nginx-t.txt");
  if (r.status != 0)
    throw TargetError(fmt::format("nginx -t rejected the rendered config {} (exit {}):\n{}",
                                  conf.string(), r.status, r.output));
}

std::vector<std::string> command(const fs::path& binary, const fs::path& runtime_dir,
                                 const fs::path& conf, const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {binary.string(),      "-p", runtime_dir.string() + "/",
                                   "-c",                 conf.string(),
                                   "-e",                 (runtime_dir / "error.log").string()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

}  // namespace mtls::target::nginx
