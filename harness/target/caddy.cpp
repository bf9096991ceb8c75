// start_caddy: Caddy 2.6 from a Caddyfile template under fixtures/caddy/, in the foreground
// on a free loopback port, stopped by PID (launch.cpp does the process part). Caddy keeps
// state under $HOME / $XDG_*: they are pointed into the runtime dir so nothing else is touched.
#include <cctype>
#include <fmt/format.h>

#include "common/files.hpp"
#include "target/launch.hpp"
#include "target/launch_tool.hpp"
#include "target/launch_values.hpp"

namespace mtls::target {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kGateway = "caddy";
// Characters the Caddyfile lexer reads specially in a word ({placeholders}, quotes, #).
constexpr std::string_view kForbidden = " \t\n\"'#\\{}`";

std::string tls_name(scenario::TlsVersion v) {
  return v == scenario::TlsVersion::tls1_2 ? "tls1.2" : "tls1.3";
}

// A regular expression over Go's RFC 2253 subject ("CN=client-valid,O=mtls-harness") that
// matches the allowed CNs; any subject (an absent one included) when there is no allow-list.
std::string allowed_subject_regex(const scenario::Target& t) {
  if (t.allow.common_names.empty()) return "\".*\"";
  launch::check_cn_allow_list(kGateway, t, "");
  std::string alternatives;
  for (const auto& cn : t.allow.common_names) {
    std::string re;
    for (char c : cn) {
      const auto u = static_cast<unsigned char>(c);
      if (c == '.') re += "[.]";
      else if (std::isalnum(u) || c == '-' || c == '_' || c == ' ') re += c;
      else
        throw TargetError(fmt::format("caddy: allowed common name '{}' holds '{}': the caddy "
                                      "templates match only letters, digits, space, . _ -",
                                      cn, c));
    }
    alternatives += (alternatives.empty() ? "" : "|") + re;
  }
  return fmt::format("\"^CN=({})(,|$)\"", alternatives);
}

launch::Placeholders placeholders(const scenario::Scenario& s, const pki::Fixtures& f,
                                  const launch::Site& site) {
  const auto& t = s.target;
  auto v = launch::common_values(kGateway, s, f, site, kForbidden);
  v["tls_protocols"] = tls_name(launch::min_version(kGateway, t)) + " " +
                       tls_name(launch::max_version(kGateway, t));
  v["allowed_subject_regex"] = allowed_subject_regex(t);
  return v;
}

}  // namespace

std::unique_ptr<RunningTarget> start_caddy(const scenario::Scenario& s, const pki::Fixtures& f,
                                           const StartOptions& opts) {
  if (!s.target.config.empty()) return start_caddy_own(s, f, opts);
  launch::Gateway g;
  g.name = std::string(kGateway);
  const auto binary = launch::locate("caddy", kGateway, "caddy");
  g.template_name = s.target.nginx_template;
  g.runtime_dir = launch::runtime_dir_of(opts, g.name);
  common::make_dirs(g.runtime_dir);
  // "2.6.2" (Debian) or "v2.6.4 h1:..." (upstream builds)
  g.version = launch::version_after(
      launch::run_tool({binary.string(), "version"}, g.runtime_dir / "caddy-version.txt"), "",
      binary.string() + " version");
  if (g.version.starts_with('v')) g.version.erase(0, 1);
  g.log_file = g.runtime_dir / "caddy.log";
  // `caddy run --pidfile` writes it after the config is loaded and its listeners are bound.
  g.pid_file = g.runtime_dir / "caddy.pid";
  const auto templates = launch::find_templates_dir(g.name, s);
  const auto& dir = g.runtime_dir;
  const std::vector<std::string> env = {
      "env", "HOME=" + dir.string(), "XDG_CONFIG_HOME=" + (dir / "config").string(),
      "XDG_DATA_HOME=" + (dir / "data").string(), binary.string()};
  g.prepare = [&](int port) {
    const auto conf = dir / "Caddyfile";
    const auto values = placeholders(s, f, {opts.host, port, dir, ""});
    launch::write_includes(templates, g.name, values, dir);
    launch::write_template(templates, g.name, g.template_name, ".caddyfile", values, conf);
    const std::vector<std::string> config = {"--config", conf.string(), "--adapter", "caddyfile"};
    auto check = env, run = env;
    check.push_back("validate");
    check.insert(check.end(), config.begin(), config.end());
    run.push_back("run");
    run.insert(run.end(), config.begin(), config.end());
    run.insert(run.end(), {"--pidfile", g.pid_file.string()});
    return launch::Commands{conf, check, "caddy validate", run};
  };
  auto l = launch::start_process(g, opts);
  auto ep = launch::loopback_endpoint(opts.host, l.port, f);
  return std::make_unique<launch::LaunchedTarget>(g, std::move(l), std::move(ep));
}

}  // namespace mtls::target
