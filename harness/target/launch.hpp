// Launching a gateway the harness runs itself (nginx, HAProxy, Apache httpd, Caddy): pick a
// free loopback port, write and check its config, spawn it in the foreground, wait until it
// accepts connections, and stop it by PID. What differs between gateways is a Gateway value;
// the process handling is written once, here.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <sys/types.h>
#include <vector>

#include "pki/fixtures.hpp"
#include "target/target.hpp"

namespace mtls::target::launch {

// What one attempt on one port runs: the config check and the server itself.
struct Commands {
  std::filesystem::path config;    // the rendered config file (for messages)
  std::vector<std::string> check;  // exits 0 when the gateway accepts the config
  std::string check_label;         // "haproxy -c": how messages name the check
  std::vector<std::string> run;    // stays in the foreground until signalled
};

struct Gateway {
  std::string name;  // "haproxy": messages and describe()
  std::string version;
  std::string template_name;
  std::filesystem::path runtime_dir;  // absolute; config, logs, pid file
  // The gateway's own log, where it says why it refused to start or refused a client.
  std::filesystem::path log_file;
  // A pid file the gateway writes only once every listener is bound; empty when it has none
  // (then readiness is "our process is alive and the port accepts connections").
  std::filesystem::path pid_file;
  // Renders the config for a port into runtime_dir; throws TargetError when the scenario
  // asks for something the gateway cannot express.
  std::function<Commands(int port)> prepare;
};

struct Launched {
  pid_t pid = 0;
  int port = 0;
  std::filesystem::path config;
  std::uintmax_t log_offset = 0;         // log_file size before this start
  std::chrono::microseconds startup{0};  // spawn -> accepting connections
};

// Checks the config (TargetError with the gateway's own words and the config path when it
// is rejected), starts the gateway and waits up to 10 s for it to listen. With opts.port 0 a
// port that turns out to be taken is retried on another one, up to 3 times.
Launched start_process(const Gateway& g, const StartOptions& opts);

// SIGTERM, 5 s grace, SIGKILL; then whatever is left of the process group it leads (spawn
// makes one per child), so workers never outlive a killed master.
void stop_group(pid_t pid);

// StartOptions::runtime_dir made absolute, else /tmp/mtls-harness-<gateway>-<pid>.
std::filesystem::path runtime_dir_of(const StartOptions& opts, const std::string& gateway);

// The text appended to `file` after `offset` bytes; empty when the file does not exist.
std::string read_from(const std::filesystem::path& file, std::uintmax_t offset);

// The endpoint of a gateway launched on loopback with the fixture server certificate.
Endpoint loopback_endpoint(const std::string& host, int port, const pki::Fixtures& f);

// A launched gateway as a RunningTarget.
class LaunchedTarget : public RunningTarget {
 public:
  LaunchedTarget(const Gateway& g, Launched launched, Endpoint endpoint);
  ~LaunchedTarget() override;

  Endpoint endpoint() const override { return endpoint_; }
  std::string describe() const override { return description_; }  // "haproxy 2.6.12 (template verify-on)"
  pid_t pid() const override { return launched_.pid; }
  std::string log_since_start() const override { return read_from(log_file_, launched_.log_offset); }
  void stop() override;

  const Launched& launched() const { return launched_; }

 private:
  std::string description_;
  std::filesystem::path log_file_;
  Launched launched_;
  Endpoint endpoint_;
  bool stopped_ = false;
};

}  // namespace mtls::target::launch
