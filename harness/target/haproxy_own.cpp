#include "target/haproxy_own.hpp"

#include <fmt/format.h>

#include "common/files.hpp"
#include "common/process.hpp"
#include "target/launch.hpp"
#include "target/launch_tool.hpp"
#include "target/loopback_backend.hpp"
#include "userconf/haproxy_rewrite.hpp"

namespace mtls::target {
namespace fs = std::filesystem;
namespace uh = userconf::haproxy;
namespace {

scenario::VerifyMode verify_mode(const std::string& v) {
  if (v == "required") return scenario::VerifyMode::required;
  if (v == "optional") return scenario::VerifyMode::optional;
  return scenario::VerifyMode::off;
}

}  // namespace

own::Adopted adopt_haproxy_config(const scenario::Scenario& s) {
  const auto config = uh::parse_file(s.target.config);
  const auto facts = uh::facts(config, s.target.config, s.target.listener);
  uh::Inputs trial;  // so a line that cannot be mapped stops the run before fixtures are made
  trial.runtime_dir = "/nonexistent";
  trial.server_pem = "/nonexistent";
  trial.backend = "127.0.0.1:1";
  for (const auto& l : facts.listeners) trial.ports[l.written_port] = l.written_port;
  (void)uh::rewrite(config, trial);
  return {verify_mode(facts.verify), facts.crl, "", facts.identity_headers, {}};
}

std::unique_ptr<RunningTarget> start_haproxy_own(const scenario::Scenario& s, const pki::Fixtures& f,
                                                 const StartOptions& opts) {
  const auto config = uh::parse_file(s.target.config);
  auto facts = uh::facts(config, s.target.config, s.target.listener);

  launch::Gateway g;
  g.name = "haproxy";
  const auto binary = launch::locate("haproxy", g.name, "haproxy");
  g.template_name = s.target.config.filename().string();
  g.runtime_dir = launch::runtime_dir_of(opts, g.name);
  common::make_dirs(g.runtime_dir);
  g.version = launch::version_after(
      launch::run_tool({binary.string(), "-v"}, g.runtime_dir / "haproxy-version.txt"),
      "HAProxy version ", binary.string() + " -v");
  g.log_file = g.runtime_dir / "haproxy.out";  // the config's logs, rewritten to stderr
  auto backend = std::make_unique<LoopbackBackend>(opts.host);

  uh::Inputs in;
  in.conf_dir = fs::absolute(s.target.config).parent_path();
  in.runtime_dir = g.runtime_dir;
  in.host = opts.host;
  // HAProxy wants the chain and its key in one file (`crt`).
  in.server_pem = g.runtime_dir / "server.pem";
  common::write_secret_atomic(in.server_pem,
                              common::read_file(f.server_fullchain.empty() ? f.server_cert : f.server_fullchain) +
                                  common::read_file(f.server_key));
  in.client_ca = own::client_trust(s, f);
  if (facts.crl && !s.target.gateway_crl) {  // gateway_crl: the config's own, as written
    in.crl = g.runtime_dir / "crl.pem";
    own::copy_crl(f, *in.crl, g.name);
  }
  in.backend = backend->address();
  in.free_port = [] { return common::free_loopback_port(); };

  userconf::Rendered rendered;
  const auto conf = g.runtime_dir / "haproxy.cfg";
  g.prepare = [&](int port) {
    in.ports = own::assign_ports(facts.listeners, facts.chosen_port, port);
    rendered = uh::rewrite(config, in);
    common::write_file_atomic(conf, rendered.text);
    return launch::Commands{conf, {binary.string(), "-c", "-f", conf.string()}, "haproxy -c",
                            {binary.string(), "-db", "-f", conf.string()}};
  };
  return own::launch(s, f, opts, g, std::move(backend), facts.listeners, facts.chosen_port, rendered, conf);
}

}  // namespace mtls::target
