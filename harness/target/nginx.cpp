// start_nginx: render the template, let nginx check it, launch it in the foreground, wait
// until it accepts connections, and stop it by PID.
#include <csignal>
#include <fmt/format.h>
#include <thread>
#include <unistd.h>

#include "common/files.hpp"
#include "common/process.hpp"
#include "target/nginx_binary.hpp"
#include "target/nginx_config.hpp"
#include "target/nginx_target.hpp"

namespace mtls::target {
namespace fs = std::filesystem;
namespace {

constexpr auto start_timeout = std::chrono::seconds(10);
constexpr auto stop_grace = std::chrono::seconds(5);
constexpr int port_attempts = 3;  // a port picked free may be taken before nginx binds it

std::uintmax_t file_size_or_zero(const fs::path& p) {
  std::error_code ec;
  const auto n = fs::file_size(p, ec);
  return ec ? 0 : n;
}

std::string read_from(const fs::path& p, std::uintmax_t offset) {
  if (!fs::exists(p)) return {};
  const std::string text = common::read_file(p);
  return offset < text.size() ? text.substr(offset) : std::string();
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

struct Readiness {
  bool listening = false;
  bool exited = false;
  int exit_status = 0;
};

// nginx writes its pid file only after every listening socket is bound, so "pid file holds
// our pid, then a connect succeeds" means the port is ours, not that of some other process
// that got there first (nginx then retries bind() for 2.5 s before giving up).
Readiness wait_until_ready(pid_t pid, const fs::path& pid_file, const std::string& host,
                           int port, std::chrono::steady_clock::time_point end) {
  Readiness r;
  bool bound = false;
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

void stop_master(pid_t master) {
  common::stop_process(master, stop_grace);
  // Workers share the master's process group (spawn makes one per child). A master that
  // needed SIGKILL leaves them orphaned; take down what is left of that group only.
  if (::kill(-master, 0) == 0) ::kill(-master, SIGKILL);
}

fs::path runtime_dir_of(const StartOptions& opts) {
  if (!opts.runtime_dir.empty()) return fs::absolute(opts.runtime_dir).lexically_normal();
  return fs::temp_directory_path() / fmt::format("mtls-harness-nginx-{}", ::getpid());
}

}  // namespace

namespace nginx {

NginxTarget::NginxTarget(Launch launch, Endpoint endpoint)
    : launch_(std::move(launch)), endpoint_(std::move(endpoint)) {}

NginxTarget::~NginxTarget() { stop(); }

std::string NginxTarget::describe() const {
  return fmt::format("nginx {} (template {})", launch_.version, launch_.template_name);
}

std::string NginxTarget::log_since_start() const {
  return read_from(error_log(), launch_.log_offset);
}

void NginxTarget::stop() {
  if (stopped_) return;
  stopped_ = true;
  stop_master(launch_.master);
}

}  // namespace nginx

std::unique_ptr<RunningTarget> start_nginx(const scenario::Scenario& s, const pki::Fixtures& f,
                                           const StartOptions& opts) {
  nginx::Launch launch;
  launch.binary = nginx::locate(s.target.nginx_binary);
  launch.template_name = s.target.nginx_template;
  launch.runtime_dir = runtime_dir_of(opts);
  common::make_dirs(launch.runtime_dir);
  launch.version = nginx::version(launch.binary, launch.runtime_dir);
  const auto templates = nginx::find_templates_dir(s);
  const auto error_log = launch.runtime_dir / "error.log";
  const auto pid_file = launch.runtime_dir / "nginx.pid";

  for (int attempt = 1;; ++attempt) {
    const int port = opts.port != 0 ? opts.port : common::free_loopback_port();
    const auto values = nginx::placeholders(s, f, {opts.host, port, launch.runtime_dir});
    launch.conf = nginx::write_config(templates, launch.template_name, values, launch.runtime_dir);
    nginx::test_config(launch.binary, launch.runtime_dir, launch.conf);

    std::error_code ec;
    fs::remove(pid_file, ec);
    launch.log_offset = file_size_or_zero(error_log);
    const auto t0 = std::chrono::steady_clock::now();
    launch.master = common::spawn({nginx::command(launch.binary, launch.runtime_dir, launch.conf),
                                   launch.runtime_dir / "nginx.out",
                                   launch.runtime_dir / "nginx.out", launch.runtime_dir});
    const auto ready = wait_until_ready(launch.master, pid_file, opts.host, port,
                                        t0 + start_timeout);
    if (ready.listening) {
      launch.startup = std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::steady_clock::now() - t0);
      Endpoint ep;
      ep.host = opts.host;
      ep.port = port;
      ep.server_name = "localhost";
      ep.trust = f.server_trust;
      return std::make_unique<nginx::NginxTarget>(std::move(launch), std::move(ep));
    }

    if (!ready.exited) stop_master(launch.master);
    const auto log = last_lines(read_from(error_log, launch.log_offset), 15);
    if (ready.exited && opts.port == 0 && attempt < port_attempts &&
        log.find("Address already in use") != std::string::npos)
      continue;
    throw TargetError(fmt::format(
        "nginx {} on {}:{} ({}): {}; {} says:\n{}", launch.version, opts.host, port,
        launch.conf.string(),
        ready.exited ? fmt::format("exited with status {} while starting", ready.exit_status)
               : fmt::format("not accepting connections after {} s", start_timeout.count()),
        error_log.string(), log));
  }
}

}  // namespace mtls::target
