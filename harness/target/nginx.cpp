// start_nginx: render the template, let nginx check it, launch it in the foreground, wait
// until it accepts connections, and stop it by PID (the process handling is launch.cpp's).
#include <algorithm>
#include <chrono>
#include <csignal>
#include <fstream>
#include <set>
#include <thread>
#include <fmt/format.h>

#include "common/files.hpp"
#include "target/launch.hpp"
#include "target/loopback_backend.hpp"
#include "target/nginx_binary.hpp"
#include "target/nginx_config.hpp"
#include "target/nginx_target.hpp"
#include "target/ocsp_responder.hpp"

namespace mtls::target {
namespace fs = std::filesystem;

namespace nginx {

NginxTarget::NginxTarget(Launch launch, Endpoint endpoint, std::unique_ptr<OcspResponder> ocsp)
    : launch_(std::move(launch)), endpoint_(std::move(endpoint)), ocsp_(std::move(ocsp)) {}

NginxTarget::~NginxTarget() { stop(); }

void NginxTarget::own_config(std::unique_ptr<LoopbackBackend> backend, report::TargetConfig rewrite) {
  backend_ = std::move(backend);
  rewrite_ = std::move(rewrite);
}

std::string NginxTarget::describe() const {
  if (!launch_.config_label.empty())
    return fmt::format("nginx {} (config {})", launch_.version, launch_.config_label);
  return fmt::format("nginx {} (template {})", launch_.version, launch_.template_name);
}

namespace {

// The master's children (workers, cache manager) from /proc/<pid>/task/<pid>/children.
std::set<pid_t> children_of(pid_t pid) {
  const auto tid = std::to_string(pid);
  std::ifstream in("/proc/" + tid + "/task/" + tid + "/children");
  std::set<pid_t> out;
  for (long child = 0; in >> child;) out.insert(static_cast<pid_t>(child));
  return out;
}

}  // namespace

bool NginxTarget::replace_crls(const std::string& pem) {
  if (!launch_.crl || stopped_) return false;
  common::write_file_atomic(crl_copy(launch_.runtime_dir), pem, 0644,
                            common::Durability::regenerable);
  // The master re-reads its configuration and starts new workers; until the old ones have
  // exited they still accept connections with the old CRLs and ticket keys, so wait for that
  // (bounded: a worker holding a long keep-alive connection may linger; callers poll anyway).
  const auto old = children_of(launch_.master);
  if (::kill(launch_.master, SIGHUP) != 0) return false;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < until) {
    const auto now = children_of(launch_.master);
    const bool replaced = !now.empty() && std::none_of(now.begin(), now.end(), [&](pid_t p) {
      return old.count(p) != 0;
    });
    if (replaced) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

std::string NginxTarget::log_since_start() const {
  return launch::read_from(error_log(), launch_.log_offset);
}

void NginxTarget::stop() {
  if (stopped_) return;
  stopped_ = true;
  launch::stop_group(launch_.master);
  if (ocsp_) ocsp_->stop();
  if (backend_) backend_->stop();
}

// [target] ocsp: the fixture responder (or a port nobody listens on) for nginx to ask.
std::unique_ptr<OcspResponder> start_ocsp(const scenario::Scenario& s, const pki::Fixtures& f,
                                          const std::string& host, const fs::path& runtime_dir) {
  if (s.target.ocsp == scenario::OcspCheck::off) return nullptr;
  if (s.target.ocsp_responder == scenario::OcspResponder::down)
    return OcspResponder::start_down(host);
  try {
    return OcspResponder::start(pki::OcspLedger::load(s, f), host,
                                runtime_dir / "ocsp-responder.log");
  } catch (const TargetError&) {
    throw;
  } catch (const std::exception& e) {
    throw TargetError(std::string("OCSP responder: ") + e.what());
  }
}

}  // namespace nginx

std::unique_ptr<RunningTarget> start_nginx(const scenario::Scenario& s, const pki::Fixtures& f,
                                           const StartOptions& opts) {
  if (!s.target.config.empty()) return start_nginx_own(s, f, opts);
  nginx::Launch launch;
  launch.binary = nginx::locate(s.target.nginx_binary);
  launch.template_name = s.target.nginx_template;
  launch.crl = s.target.crl;
  launch.runtime_dir = launch::runtime_dir_of(opts, "nginx");
  common::make_dirs(launch.runtime_dir);
  launch.version = nginx::version(launch.binary, launch.runtime_dir);
  const auto templates = nginx::find_templates_dir(s);
  auto ocsp = nginx::start_ocsp(s, f, opts.host, launch.runtime_dir);
  const std::string ocsp_url = ocsp ? ocsp->url() : "";

  launch::Gateway g;
  g.name = "nginx";
  g.version = launch.version;
  g.template_name = launch.template_name;
  g.runtime_dir = launch.runtime_dir;
  g.log_file = launch.runtime_dir / "error.log";
  // nginx writes its pid file only after every listening socket is bound (and retries a
  // taken port's bind() for 2.5 s before giving up).
  g.pid_file = launch.runtime_dir / "nginx.pid";
  g.prepare = [&](int port) {
    const auto values = nginx::placeholders(s, f, {opts.host, port, launch.runtime_dir, ocsp_url});
    const auto conf = nginx::write_config(templates, launch.template_name, values, launch.runtime_dir);
    const auto& dir = launch.runtime_dir;
    if (s.target.crl) {
      std::string crls;
      try {
        crls = common::read_file(f.crl_bundle);
      } catch (const std::exception& e) {
        throw TargetError(std::string("nginx: [target].crl is on but the CRL bundle cannot be "
                                      "read: ") + e.what());
      }
      common::write_file_atomic(nginx::crl_copy(dir), crls, 0644, common::Durability::regenerable);
    }
    return launch::Commands{conf, nginx::command(launch.binary, dir, conf, {"-t", "-q"}),
                            "nginx -t", nginx::command(launch.binary, dir, conf)};
  };

  const auto l = launch::start_process(g, opts);
  launch.conf = l.config;
  launch.master = l.pid;
  launch.log_offset = l.log_offset;
  launch.startup = l.startup;
  return std::make_unique<nginx::NginxTarget>(
      std::move(launch), launch::loopback_endpoint(opts.host, l.port, f), std::move(ocsp));
}

}  // namespace mtls::target
