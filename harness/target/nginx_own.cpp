#include "target/nginx_own.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <unistd.h>

#include "common/files.hpp"
#include "common/process.hpp"
#include "target/launch.hpp"
#include "target/loopback_backend.hpp"
#include "target/nginx_binary.hpp"
#include "target/nginx_config.hpp"
#include "target/nginx_target.hpp"
#include "target/ocsp_responder.hpp"
#include "userconf/nginx_rewrite.hpp"

namespace mtls::target {
namespace fs = std::filesystem;
namespace un = userconf::nginx;
namespace {

scenario::VerifyMode verify_mode(const std::string& v) {
  if (v == "on") return scenario::VerifyMode::required;
  if (v == "optional") return scenario::VerifyMode::optional;
  if (v == "optional_no_ca") return scenario::VerifyMode::optional_no_ca;
  return scenario::VerifyMode::off;
}

}  // namespace

own::Adopted adopt_nginx_config(const scenario::Scenario& s) {
  const auto config = un::parse_file(s.target.config);
  const auto facts = un::facts(config, s.target.config, s.target.listener);
  // A trial rewrite, so a directive that cannot be mapped stops the run before fixtures are made.
  un::Inputs trial;
  trial.runtime_dir = "/nonexistent";
  trial.server_cert = trial.server_key = "/nonexistent";
  trial.backend = "127.0.0.1:1";
  for (const auto& l : facts.listeners) trial.ports[l.written_port] = l.written_port;
  (void)un::rewrite(config, trial);
  return {verify_mode(facts.verify), facts.crl, facts.server_name, facts.identity_headers, facts.sites};
}

std::unique_ptr<RunningTarget> start_nginx_own(const scenario::Scenario& s, const pki::Fixtures& f,
                                               const StartOptions& opts) {
  const auto config = un::parse_file(s.target.config);
  auto facts = un::facts(config, s.target.config, s.target.listener);

  nginx::Launch launch;
  launch.binary = nginx::locate(s.target.nginx_binary);
  launch.config_label = s.target.config.filename().string();
  // gateway_crl: the config's own CRL, as written; then the harness cannot revoke during a run.
  const bool swap_crl = facts.crl && !s.target.gateway_crl;
  launch.crl = swap_crl;
  launch.runtime_dir = launch::runtime_dir_of(opts, "nginx");
  common::make_dirs(launch.runtime_dir / "tmp");
  launch.version = nginx::version(launch.binary, launch.runtime_dir);
  auto ocsp = nginx::start_ocsp(s, f, opts.host, launch.runtime_dir);
  auto backend = std::make_unique<LoopbackBackend>(opts.host);

  if (swap_crl) own::copy_crl(f, nginx::crl_copy(launch.runtime_dir), "nginx");

  un::Inputs in;
  in.conf_dir = fs::absolute(s.target.config).parent_path();
  in.runtime_dir = launch.runtime_dir;
  in.host = opts.host;
  in.server_cert = f.server_fullchain.empty() ? f.server_cert : f.server_fullchain;
  in.server_key = f.server_key;
  in.client_ca = own::client_trust(s, f);
  if (swap_crl) in.crl = nginx::crl_copy(launch.runtime_dir);
  in.backend = backend->address();
  in.ocsp_url = ocsp ? ocsp->url() : "";
  in.run_as_root = ::geteuid() == 0;

  un::Rendered rendered;
  const auto conf = launch.runtime_dir / "nginx.conf";
  launch::Gateway g;
  g.name = "nginx";
  g.version = launch.version;
  g.template_name = launch.config_label;
  g.runtime_dir = launch.runtime_dir;
  g.log_file = launch.runtime_dir / "error.log";
  g.pid_file = launch.runtime_dir / "nginx.pid";
  g.prepare = [&](int port) {
    in.ports = own::assign_ports(facts.listeners, facts.chosen_port, port);
    rendered = un::rewrite(config, in);
    common::write_file_atomic(conf, rendered.text);
    return launch::Commands{conf, nginx::command(launch.binary, launch.runtime_dir, conf, {"-t", "-q"}),
                            "nginx -t", nginx::command(launch.binary, launch.runtime_dir, conf)};
  };

  launch::Launched l;
  try {
    l = launch::start_process(g, opts);
  } catch (const TargetError& e) {
    // nginx names the rendered copy; the user fixes their own file.
    throw TargetError(un::translate(e.what(), conf, rendered));
  }
  launch.conf = l.config;
  launch.master = l.pid;
  launch.log_offset = l.log_offset;
  launch.startup = l.startup;
  auto ep = launch::loopback_endpoint(opts.host, l.port, f);
  if (!s.target.server_name.empty()) ep.server_name = s.target.server_name;
  auto t = std::make_unique<nginx::NginxTarget>(std::move(launch), std::move(ep), std::move(ocsp));
  t->own_config(std::move(backend), own::record(s, facts.listeners, facts.chosen_port, rendered, conf));
  return t;
}

}  // namespace mtls::target
