// A real nginx the harness launched from a template under fixtures/nginx/ (start_nginx in
// target.hpp). Exposed so tests and reports can read what only nginx has: start time, files.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>

#include "target/target.hpp"

namespace mtls::target {
class OcspResponder;
class LoopbackBackend;
}

namespace mtls::target::nginx {

struct Launch {
  std::filesystem::path binary;
  std::string version;           // "1.22.1"
  std::string template_name;     // "verify-on"
  bool crl = false;              // [target].crl: ssl_crl reads crl_copy(runtime_dir)
  std::string config_label;      // [target] config: the user's file, instead of a template
  std::filesystem::path runtime_dir;
  std::filesystem::path conf;    // the rendered nginx.conf
  pid_t master = 0;
  std::uintmax_t log_offset = 0;  // error.log size before this start
  std::chrono::microseconds startup{0};  // spawn -> accepting connections
};

class NginxTarget : public RunningTarget {
 public:
  // `ocsp`: the responder nginx asks about client certificates ([target] ocsp), stopped after
  // nginx; null when OCSP is off.
  NginxTarget(Launch launch, Endpoint endpoint, std::unique_ptr<OcspResponder> ocsp = nullptr);
  // A user's own config: the backend its upstreams were rewritten to (stopped after nginx)
  // and the record of what was rewritten.
  void own_config(std::unique_ptr<LoopbackBackend> backend, report::TargetConfig rewrite);
  ~NginxTarget() override;

  Endpoint endpoint() const override { return endpoint_; }
  std::string describe() const override;  // "nginx 1.22.1 (template verify-on)"
  pid_t pid() const override { return launch_.master; }
  std::string log_since_start() const override;  // error.log written by this run
  // Rewrites the CRL copy and sends the master SIGHUP: nginx re-reads it in new workers.
  bool replace_crls(const std::string& pem) override;
  const report::TargetConfig* config_rewrite() const override { return rewrite_ ? &*rewrite_ : nullptr; }
  const LoopbackBackend* backend() const override { return backend_.get(); }
  void stop() override;

  std::chrono::microseconds startup_time() const { return launch_.startup; }
  const std::filesystem::path& config_file() const { return launch_.conf; }
  std::filesystem::path access_log() const { return launch_.runtime_dir / "access.log"; }
  std::filesystem::path error_log() const { return launch_.runtime_dir / "error.log"; }

 private:
  Launch launch_;
  Endpoint endpoint_;
  std::unique_ptr<OcspResponder> ocsp_;
  std::unique_ptr<LoopbackBackend> backend_;
  std::optional<report::TargetConfig> rewrite_;
  bool stopped_ = false;
};

// [target] ocsp: the fixture responder (or a port nobody listens on) for nginx to ask; null
// when OCSP is off.
std::unique_ptr<OcspResponder> start_ocsp(const scenario::Scenario& s, const pki::Fixtures& f,
                                          const std::string& host,
                                          const std::filesystem::path& runtime_dir);

}  // namespace mtls::target::nginx
