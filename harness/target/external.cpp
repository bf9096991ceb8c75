#include <cerrno>
#include <csignal>
#include <fmt/core.h>

#include "common/files.hpp"
#include "common/https_url.hpp"
#include "target/target.hpp"

namespace mtls::target {
namespace {

// The gateway's process on this host, from `[target] pid` or read from `pid_file` each time
// (a gateway restarted between phases is found again); 0 when none is configured.
class GatewayProcess {
 public:
  explicit GatewayProcess(const scenario::Target& t) : pid_(t.pid), pid_file_(t.pid_file) {}
  bool configured() const { return pid_ > 0 || !pid_file_.empty(); }

  // Throws TargetError naming the file or pid when it names no running process.
  pid_t current() const {
    pid_t pid = pid_;
    std::string from = fmt::format("[target] pid {}", pid_);
    if (!pid_file_.empty()) {
      from = fmt::format("[target] pid_file {}", pid_file_.string());
      std::string text;
      try {
        text = common::read_file(pid_file_);
      } catch (const std::exception& e) {
        throw TargetError(from + ": " + e.what() +
                          "; no such process can be read from it, so the target's CPU cannot be "
                          "measured (name the file the gateway writes its pid to, or use [target] pid)");
      }
      const auto first = text.find_first_not_of(" \t\r\n");
      const auto last = text.find_last_not_of(" \t\r\n");
      const std::string digits = first == std::string::npos ? "" : text.substr(first, last - first + 1);
      if (digits.empty() || digits.size() > 8 || digits.find_first_not_of("0123456789") != std::string::npos)
        throw TargetError(fmt::format("{}: '{}' is not a process id", from, digits.substr(0, 40)));
      pid = static_cast<pid_t>(std::stol(digits));
      from += fmt::format(" (pid {})", pid);
    }
    if (pid <= 0 || (::kill(pid, 0) != 0 && errno == ESRCH))
      throw TargetError(from + ": no such process on this host; the target's CPU cannot be measured");
    return pid;
  }

 private:
  pid_t pid_;
  std::filesystem::path pid_file_;
};

class ExternalTarget final : public RunningTarget {
 public:
  ExternalTarget(Endpoint ep, std::string url, GatewayProcess process)
      : ep_(std::move(ep)), url_(std::move(url)), process_(std::move(process)) {}
  Endpoint endpoint() const override { return ep_; }
  std::string describe() const override { return "external " + url_; }
  pid_t pid() const override {
    if (!process_.configured()) return 0;
    try {
      return process_.current();
    } catch (const TargetError&) {
      return 0;  // gone since the start: the phase reports target CPU as not measured
    }
  }
  void stop() override {}

 private:
  Endpoint ep_;
  std::string url_;
  GatewayProcess process_;
};

}  // namespace

std::unique_ptr<RunningTarget> connect_external(const scenario::Scenario& s,
                                                const pki::Fixtures&) {
  const auto parsed = common::parse_https_url(s.target.url);
  if (!parsed.url)
    throw TargetError("target.url '" + s.target.url + "' " + parsed.problem +
                      " (expected https://host[:port][/path])");
  Endpoint ep;
  ep.host = parsed.url->host;
  ep.port = parsed.url->port;
  ep.base_path = parsed.url->path;
  ep.server_name = s.target.server_name.empty() ? ep.host : s.target.server_name;
  ep.trust = s.target.ca_file;
  GatewayProcess process(s.target);
  if (process.configured()) process.current();  // fails the start when it names nothing running
  return std::make_unique<ExternalTarget>(ep, s.target.url, std::move(process));
}

}  // namespace mtls::target
