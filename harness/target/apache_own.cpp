#include "target/apache_own.hpp"

#include <fmt/format.h>

#include "common/files.hpp"
#include "target/apache_host.hpp"
#include "target/launch.hpp"
#include "target/launch_tool.hpp"
#include "target/loopback_backend.hpp"
#include "userconf/apache_rewrite.hpp"

namespace mtls::target {
namespace fs = std::filesystem;
namespace ua = userconf::apache;
namespace {

scenario::VerifyMode verify_mode(const std::string& v) {
  if (ua::iequals(v, "require")) return scenario::VerifyMode::required;
  if (ua::iequals(v, "optional")) return scenario::VerifyMode::optional;
  if (ua::iequals(v, "optional_no_ca")) return scenario::VerifyMode::optional_no_ca;
  return scenario::VerifyMode::off;
}

ua::Directives read(const scenario::Scenario& s) {
  return ua::parse_file(s.target.config, fs::absolute(s.target.config).parent_path());
}

}  // namespace

own::Adopted adopt_apache_config(const scenario::Scenario& s) {
  const auto config = read(s);
  const auto facts = ua::facts(config, s.target.config, s.target.listener);
  ua::Inputs trial;  // so a directive that cannot be mapped stops the run before fixtures are made
  trial.runtime_dir = "/nonexistent";
  trial.server_cert = trial.server_key = "/nonexistent";
  trial.backend = "127.0.0.1:1";
  for (const auto& l : facts.listeners) trial.ports[l.written_port] = l.written_port;
  (void)ua::rewrite(config, trial);
  return {verify_mode(facts.verify), facts.crl, facts.server_name, facts.identity_headers, facts.sites};
}

std::unique_ptr<RunningTarget> start_apache_own(const scenario::Scenario& s, const pki::Fixtures& f,
                                                const StartOptions& opts) {
  const auto config = read(s);
  auto facts = ua::facts(config, s.target.config, s.target.listener);

  launch::Gateway g;
  g.name = "apache";
  const auto binary = launch::locate("apache2", g.name, "apache2");
  g.template_name = s.target.config.filename().string();
  g.runtime_dir = launch::runtime_dir_of(opts, g.name);
  common::make_dirs(g.runtime_dir);
  g.version = launch::version_after(
      launch::run_tool({binary.string(), "-v"}, g.runtime_dir / "apache-version.txt"), "Apache/",
      binary.string() + " -v");
  g.log_file = g.runtime_dir / "error.log";
  g.pid_file = g.runtime_dir / "apache.pid";
  auto backend = std::make_unique<LoopbackBackend>(opts.host);

  ua::Inputs in;
  in.conf_dir = fs::absolute(s.target.config).parent_path();
  in.runtime_dir = g.runtime_dir;
  in.host = opts.host;
  in.server_cert = f.server_fullchain.empty() ? f.server_cert : f.server_fullchain;
  in.server_key = f.server_key;
  in.client_ca = own::client_trust(s, f);
  if (facts.crl_file && !s.target.gateway_crl) {  // gateway_crl: the config's own, as written
    in.crl = g.runtime_dir / "crl.pem";
    own::copy_crl(f, *in.crl, g.name);
  }
  in.backend = backend->address();
  in.modules_dir = apache::modules_dir();
  in.user_lines = apache::user_lines();

  userconf::Rendered rendered;
  const auto conf = g.runtime_dir / "apache.conf";
  g.prepare = [&](int port) {
    in.ports = own::assign_ports(facts.listeners, facts.chosen_port, port);
    rendered = ua::rewrite(config, in);
    common::write_file_atomic(conf, rendered.text);
    return launch::Commands{conf, {binary.string(), "-t", "-f", conf.string()}, "apache2 -t",
                            {binary.string(), "-f", conf.string(), "-DFOREGROUND"}};
  };
  return own::launch(s, f, opts, g, std::move(backend), facts.listeners, facts.chosen_port, rendered, conf);
}

}  // namespace mtls::target
