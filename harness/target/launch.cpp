#include "target/launch.hpp"

#include <algorithm>
#include <cctype>
#include <csignal>
#include <fmt/format.h>
#include <thread>
#include <unistd.h>

#include "common/files.hpp"
#include "common/process.hpp"
#include "target/launch_tool.hpp"

namespace mtls::target::launch {
namespace fs = std::filesystem;
namespace {

constexpr auto start_timeout = std::chrono::seconds(10);
constexpr auto stop_grace = std::chrono::seconds(5);
constexpr int port_attempts = 3;  // a port picked free may be taken before the gateway binds it

std::uintmax_t file_size_or_zero(const fs::path& p) {
  std::error_code ec;
  const auto n = fs::file_size(p, ec);
  return ec ? 0 : n;
}

std::string last_lines(const std::string& text, int n) {
  std::size_t pos = text.size();
  if (pos > 0 && text[pos - 1] == '\n') --pos;
  while (n-- > 0 && pos != std::string::npos && pos > 0) pos = text.rfind('\n', pos - 1);
  return pos == std::string::npos || pos == 0 ? text : text.substr(pos + 1);
}

bool pid_file_holds(const fs::path& file, pid_t pid) {
  std::error_code ec;
  return fs::exists(file, ec) && common::read_file(file).starts_with(std::to_string(pid));
}

bool says_address_in_use(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text.find("address already in use") != std::string::npos;
}

struct Readiness {
  bool listening = false;
  bool exited = false;
  int exit_status = 0;
};

// With a pid file written only after every socket is bound, "pid file holds our pid, then a
// connect succeeds" means the port is ours, not that of some other process that got there
// first. Without one, a connect while our process lives is the best evidence there is.
Readiness wait_until_ready(pid_t pid, const fs::path& pid_file, const std::string& host,
                           int port, std::chrono::steady_clock::time_point end) {
  Readiness r;
  bool bound = pid_file.empty();
  while (std::chrono::steady_clock::now() < end) {
    // Checked here, not inside wait_until_listening, which would reap it and lose the status.
    if (common::has_exited(pid, &r.exit_status)) {
      r.exited = true;
      return r;
    }
    bound = bound || pid_file_holds(pid_file, pid);
    if (bound && common::wait_until_listening(host, port, std::chrono::milliseconds(5))) {
      r.listening = true;
      return r;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return r;
}

fs::path output_file(const Gateway& g) { return g.runtime_dir / (g.name + ".out"); }

void check_config(const Gateway& g, const Commands& c) {
  const auto r = run_tool(c.check, g.runtime_dir / (g.name + "-check.txt"));
  if (r.status != 0)
    throw TargetError(fmt::format("{} rejected the rendered config {} (exit {}):\n{}",
                                  c.check_label, c.config.string(), r.status, r.output));
}

// What the gateway said while failing to start: its log, and what it printed.
std::string start_log(const Gateway& g, std::uintmax_t log_offset) {
  std::string text = last_lines(read_from(g.log_file, log_offset), 15);
  if (g.log_file != output_file(g)) {
    const auto out = last_lines(read_from(output_file(g), 0), 15);
    if (!out.empty()) text += (text.empty() ? "" : "\n") + out;
  }
  return text;
}

}  // namespace

std::string read_from(const fs::path& p, std::uintmax_t offset) {
  std::error_code ec;
  if (!fs::exists(p, ec)) return {};
  const std::string text = common::read_file(p, common::kNoFileLimit);  // a gateway log
  return offset < text.size() ? text.substr(offset) : std::string();
}

void stop_group(pid_t pid) {
  if (pid <= 0) return;
  common::stop_process(pid, stop_grace);
  // Workers share the leader's process group. A leader that needed SIGKILL leaves them
  // orphaned; take down what is left of that group only.
  if (::kill(-pid, 0) == 0) ::kill(-pid, SIGKILL);
}

fs::path runtime_dir_of(const StartOptions& opts, const std::string& gateway) {
  if (!opts.runtime_dir.empty()) return fs::absolute(opts.runtime_dir).lexically_normal();
  return fs::temp_directory_path() / fmt::format("mtls-harness-{}-{}", gateway, ::getpid());
}

Endpoint loopback_endpoint(const std::string& host, int port, const pki::Fixtures& f) {
  Endpoint ep;
  ep.host = host;
  ep.port = port;
  ep.server_name = "localhost";
  ep.trust = f.server_trust;
  return ep;
}

Launched start_process(const Gateway& g, const StartOptions& opts) {
  common::make_dirs(g.runtime_dir);
  for (int attempt = 1;; ++attempt) {
    Launched l;
    l.port = opts.port != 0 ? opts.port : common::free_loopback_port();
    const Commands c = g.prepare(l.port);
    l.config = c.config;
    check_config(g, c);

    std::error_code ec;
    if (!g.pid_file.empty()) fs::remove(g.pid_file, ec);
    l.log_offset = file_size_or_zero(g.log_file);
    const auto t0 = std::chrono::steady_clock::now();
    l.pid = common::spawn({c.run, output_file(g), output_file(g), g.runtime_dir});
    const auto ready = wait_until_ready(l.pid, g.pid_file, opts.host, l.port, t0 + start_timeout);
    if (ready.listening) {
      l.startup = std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::steady_clock::now() - t0);
      return l;
    }

    if (!ready.exited) stop_group(l.pid);
    const auto log = start_log(g, l.log_offset);
    if (ready.exited && opts.port == 0 && attempt < port_attempts && says_address_in_use(log))
      continue;
    throw TargetError(fmt::format(
        "{} {} on {}:{} ({}): {}; {} says:\n{}", g.name, g.version, opts.host, l.port,
        c.config.string(),
        ready.exited ? fmt::format("exited with status {} while starting", ready.exit_status)
                     : fmt::format("not accepting connections after {} s", start_timeout.count()),
        g.log_file.string(), log));
  }
}

LaunchedTarget::LaunchedTarget(const Gateway& g, Launched launched, Endpoint endpoint)
    : description_(fmt::format("{} {} (template {})", g.name, g.version, g.template_name)),
      log_file_(g.log_file),
      launched_(std::move(launched)),
      endpoint_(std::move(endpoint)) {}

LaunchedTarget::~LaunchedTarget() { stop(); }

void LaunchedTarget::stop() {
  if (stopped_) return;
  stopped_ = true;
  stop_group(launched_.pid);
}

}  // namespace mtls::target::launch
