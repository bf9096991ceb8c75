// A running mTLS target: the embedded server, an nginx the harness launched, or an external
// gateway someone else runs. Probes and the load engine only need its Endpoint.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <sys/types.h>

#include "pki/fixtures.hpp"
#include "report/model/target_config.hpp"
#include "scenario/scenario.hpp"

namespace mtls::target {

class LoopbackBackend;

struct Endpoint {
  std::string host = "127.0.0.1";  // numeric address to connect to
  int port = 0;
  std::string server_name = "localhost";  // SNI and the name the server cert must carry
  std::filesystem::path trust;            // CA file the client verifies the server with
  std::string base_path;                  // prefix for case paths (external URLs)

  std::string url(const std::string& path) const;  // https://server_name:port/base+path
};

class RunningTarget {
 public:
  virtual ~RunningTarget() = default;
  virtual Endpoint endpoint() const = 0;
  // "embedded", "nginx 1.22.1 (verify-on)", "external https://..."
  virtual std::string describe() const = 0;
  // Process to measure CPU of and to watch for death; 0 when in-process or unknown.
  virtual pid_t pid() const { return 0; }
  // Server-side log lines written since `mark` (nginx error log); empty when none.
  virtual std::string log_since_start() const { return {}; }
  // Replaces the CRLs the target checks client certificates against with `pem` (one or
  // more PEM CRLs) while it keeps running, the way an operator pushes a new CRL: the
  // embedded target swaps them at once, a launched nginx reloads (so callers poll until the
  // change shows). false: this target cannot (an external gateway, CRL checking off).
  virtual bool replace_crls(const std::string& pem) { (void)pem; return false; }
  // [target] config: what this run changed in the user's gateway config; null for a
  // template, the embedded target and external gateways.
  virtual const report::TargetConfig* config_rewrite() const { return nullptr; }
  // The recording backend the gateway's upstreams point at; null when there is none.
  virtual const LoopbackBackend* backend() const { return nullptr; }
  // Stops what the harness started; idempotent; also called by the destructor.
  virtual void stop() = 0;
};

// Thrown when a target cannot be started or reached: the CLI maps it to exit code 3.
struct TargetError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct StartOptions {
  std::filesystem::path runtime_dir;  // where launched gateways keep config, logs, pid
  int port = 0;                       // 0: pick a free loopback port
  std::string host = "127.0.0.1";
  int threads = 1;                    // embedded target worker threads
};

// Dispatches on scenario.target.kind.
std::unique_ptr<RunningTarget> start(const scenario::Scenario& s, const pki::Fixtures& f,
                                     const StartOptions& opts);

std::unique_ptr<RunningTarget> start_embedded(const scenario::Scenario& s,
                                              const pki::Fixtures& f, const StartOptions& opts);
std::unique_ptr<RunningTarget> start_nginx(const scenario::Scenario& s, const pki::Fixtures& f,
                                           const StartOptions& opts);
// nginx, HAProxy, Apache httpd and Caddy from the user's own config ([target] config), rewritten for a loopback
// run (own_config.hpp); start_<kind> calls them when the scenario names a config.
std::unique_ptr<RunningTarget> start_nginx_own(const scenario::Scenario& s, const pki::Fixtures& f,
                                               const StartOptions& opts);
std::unique_ptr<RunningTarget> start_haproxy_own(const scenario::Scenario& s, const pki::Fixtures& f,
                                                 const StartOptions& opts);
std::unique_ptr<RunningTarget> start_apache_own(const scenario::Scenario& s, const pki::Fixtures& f,
                                                const StartOptions& opts);
std::unique_ptr<RunningTarget> start_caddy_own(const scenario::Scenario& s, const pki::Fixtures& f,
                                               const StartOptions& opts);
// HAProxy, Apache httpd and Caddy launched from fixtures/<kind>/ templates (launch.hpp).
std::unique_ptr<RunningTarget> start_haproxy(const scenario::Scenario& s, const pki::Fixtures& f,
                                             const StartOptions& opts);
std::unique_ptr<RunningTarget> start_apache(const scenario::Scenario& s, const pki::Fixtures& f,
                                            const StartOptions& opts);
std::unique_ptr<RunningTarget> start_caddy(const scenario::Scenario& s, const pki::Fixtures& f,
                                           const StartOptions& opts);
std::unique_ptr<RunningTarget> connect_external(const scenario::Scenario& s,
                                                const pki::Fixtures& f);

}  // namespace mtls::target
