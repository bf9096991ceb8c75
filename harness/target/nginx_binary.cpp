#include "target/nginx_binary.hpp"

#include <chrono>
#include <cstdlib>
#include <fmt/format.h>
#include <sstream>
#include <thread>
#include <unistd.h>
#include <vector>

#include "common/files.hpp"
#include "common/process.hpp"
#include "target/target.hpp"

namespace mtls::target::nginx {
namespace fs = std::filesystem;
namespace {

constexpr auto command_timeout = std::chrono::seconds(10);

bool executable(const fs::path& p) {
  return fs::is_regular_file(p) && ::access(p.c_str(), X_OK) == 0;
}

struct Result {
  int status = -1;
  std::string output;  // stdout and stderr together
};

// Runs a short nginx command to completion; its output goes through a file because
// common::spawn redirects to files, not pipes.
Result run(const std::vector<std::string>& argv, const fs::path& output_file) {
  std::error_code ec;
  fs::remove(output_file, ec);
  const pid_t pid = common::spawn({argv, output_file, output_file, {}});
  Result r;
  const auto deadline = std::chrono::steady_clock::now() + command_timeout;
  while (!common::has_exited(pid, &r.status)) {
    if (std::chrono::steady_clock::now() > deadline) {
      common::stop_process(pid);
      throw TargetError(fmt::format("'{}' did not finish within {} s", fmt::join(argv, " "),
                                    command_timeout.count()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  r.output = fs::exists(output_file) ? common::read_file(output_file) : "";
  return r;
}

}  // namespace

fs::path locate(const std::string& name) {
  const std::string hint =
      name == "nginx" ? "" : fmt::format(" ([target] nginx_binary = \"{}\")", name);
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
  throw TargetError("nginx not found" + hint +
                    ": install the Debian package nginx (ci/setup does)");
}

std::string version(const fs::path& binary, const fs::path& scratch) {
  const auto r = run({binary.string(), "-v"}, scratch / "nginx-version.txt");
  // "nginx version: nginx/1.22.1"
  const auto slash = r.output.find("nginx/");
  if (r.status != 0 || slash == std::string::npos)
    throw TargetError(fmt::format("'{} -v' gave no version (exit {}): {}", binary.string(),
                                  r.status, r.output));
  const auto begin = slash + 6;
  return r.output.substr(begin, r.output.find_first_of(" \r\n", begin) - begin);
}

void test_config(const fs::path& binary, const fs::path& runtime_dir, const fs::path& conf) {
  const auto r = run(command(binary, runtime_dir, conf, {"-t", "-q"}), runtime_dir / "nginx-t.txt");
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
