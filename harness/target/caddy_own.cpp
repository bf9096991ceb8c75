#include "target/caddy_own.hpp"

#include <fmt/format.h>

#include "common/files.hpp"
#include "target/launch.hpp"
#include "target/launch_tool.hpp"
#include "target/loopback_backend.hpp"
#include "userconf/caddy_rewrite.hpp"

namespace mtls::target {
namespace fs = std::filesystem;
namespace uc = userconf::caddy;
namespace {

// Caddy's client_auth modes: require asks for a certificate but verifies nothing, request
// neither insists nor verifies.
scenario::VerifyMode verify_mode(const std::string& mode) {
  if (mode == "require_and_verify" || mode == "require") return scenario::VerifyMode::required;
  if (mode == "verify_if_given") return scenario::VerifyMode::optional;
  if (mode == "request") return scenario::VerifyMode::optional_no_ca;
  return scenario::VerifyMode::off;
}

// Caddy's own log goes to stderr unless the global options' log block names an output, which
// the rewrite points at caddy.log.
bool logs_to_file(const uc::Statements& config) {
  for (const auto& s : config) {
    if (!s.has_block || !s.words.empty()) continue;
    for (const auto& o : s.block)
      if (o.word(0) == "log" && o.has_block)
        for (const auto& c : o.block)
          if (c.word(0) == "output" && (c.word(1) == "file" || c.word(1) == "net")) return true;
  }
  return false;
}

}  // namespace

own::Adopted adopt_caddy_config(const scenario::Scenario& s) {
  const auto config = uc::parse_file(s.target.config);
  const auto facts = uc::facts(config, s.target.config, s.target.listener);
  uc::Inputs trial;  // so a directive that cannot be mapped stops the run before fixtures are made
  trial.runtime_dir = "/nonexistent";
  trial.server_cert = trial.server_key = "/nonexistent";
  trial.backend = "127.0.0.1:1";
  for (const auto& l : facts.listeners) trial.ports[l.written_port] = l.written_port;
  (void)uc::rewrite(config, trial);
  // Go's TLS checks no CRL.
  return {verify_mode(facts.mode), false, facts.server_name, facts.identity_headers, facts.sites};
}

std::unique_ptr<RunningTarget> start_caddy_own(const scenario::Scenario& s, const pki::Fixtures& f,
                                               const StartOptions& opts) {
  const auto config = uc::parse_file(s.target.config);
  auto facts = uc::facts(config, s.target.config, s.target.listener);

  launch::Gateway g;
  g.name = "caddy";
  const auto binary = launch::locate("caddy", g.name, "caddy");
  g.template_name = s.target.config.filename().string();
  g.runtime_dir = launch::runtime_dir_of(opts, g.name);
  common::make_dirs(g.runtime_dir);
  g.version = launch::version_after(
      launch::run_tool({binary.string(), "version"}, g.runtime_dir / "caddy-version.txt"), "",
      binary.string() + " version");
  if (g.version.starts_with('v')) g.version.erase(0, 1);
  g.log_file = g.runtime_dir / (logs_to_file(config) ? "caddy.log" : "caddy.out");
  g.pid_file = g.runtime_dir / "caddy.pid";
  auto backend = std::make_unique<LoopbackBackend>(opts.host);

  uc::Inputs in;
  in.conf_dir = fs::absolute(s.target.config).parent_path();
  in.runtime_dir = g.runtime_dir;
  in.host = opts.host;
  in.server_cert = f.server_fullchain.empty() ? f.server_cert : f.server_fullchain;
  in.server_key = f.server_key;
  in.client_ca = own::client_trust(s, f);
  in.backend = backend->address();

  const auto& dir = g.runtime_dir;
  const std::vector<std::string> env = {"env", "HOME=" + dir.string(), "XDG_CONFIG_HOME=" + (dir / "config").string(),
                                        "XDG_DATA_HOME=" + (dir / "data").string(), binary.string()};
  userconf::Rendered rendered;
  const auto conf = dir / "Caddyfile";
  g.prepare = [&](int port) {
    in.ports = own::assign_ports(facts.listeners, facts.chosen_port, port);
    rendered = uc::rewrite(config, in);
    common::write_file_atomic(conf, rendered.text);
    const std::vector<std::string> cfg = {"--config", conf.string(), "--adapter", "caddyfile"};
    auto check = env, run = env;
    check.push_back("validate");
    check.insert(check.end(), cfg.begin(), cfg.end());
    run.push_back("run");
    run.insert(run.end(), cfg.begin(), cfg.end());
    run.insert(run.end(), {"--pidfile", g.pid_file.string()});
    return launch::Commands{conf, check, "caddy validate", run};
  };
  return own::launch(s, f, opts, g, std::move(backend), facts.listeners, facts.chosen_port, rendered, conf);
}

}  // namespace mtls::target
