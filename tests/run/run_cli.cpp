#include "run_cli.hpp"

#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <thread>

#include "common/process.hpp"

namespace mtls::test {

std::filesystem::path scratch(const std::string& name) {
  auto dir = build_root() / "test-scratch" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

pid_t start_harness(const std::vector<std::string>& args, const std::filesystem::path& workdir) {
  common::SpawnOptions opts;
  opts.argv.push_back(harness_bin().string());
  opts.argv.insert(opts.argv.end(), args.begin(), args.end());
  auto log = workdir / "harness-output.txt";
  std::filesystem::remove(log);
  opts.stdout_file = log;
  opts.stderr_file = log;
  opts.workdir = workdir;
  return common::spawn(opts);
}

CliResult wait_harness(pid_t pid, const std::filesystem::path& workdir) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  CliResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::ifstream in(workdir / "harness-output.txt");
  std::stringstream ss;
  ss << in.rdbuf();
  r.output = ss.str();
  return r;
}

bool wait_for_output(const std::filesystem::path& workdir, const std::string& text,
                     std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(workdir / "harness-output.txt");
    std::stringstream ss;
    ss << in.rdbuf();
    if (ss.str().find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

CliResult run_harness(const std::vector<std::string>& args, const std::filesystem::path& workdir) {
  return wait_harness(start_harness(args, workdir), workdir);
}

}  // namespace mtls::test
