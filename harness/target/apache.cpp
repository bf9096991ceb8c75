// start_apache: Apache httpd 2.4 (Debian's apache2 binary) from a template under
// fixtures/apache/, with a config of its own (-f) so nothing under /etc/apache2 is read, in
// the foreground on a free loopback port, stopped by PID (launch.cpp does the process part).
#include <fmt/format.h>

#include "common/files.hpp"
#include "target/apache_host.hpp"
#include "target/launch.hpp"
#include "target/launch_tool.hpp"
#include "target/launch_values.hpp"

namespace mtls::target {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kGateway = "apache";
// Characters httpd's config reads specially in an unquoted argument (${VAR}, quotes, #).
constexpr std::string_view kForbidden = " \t\n\"'#\\$%{}";

// httpd's children read no file (mod_status answers), so nobody is enough.
std::string user_directive() {
  const auto lines = apache::user_lines();
  if (lines.empty()) return "# not root: children run as the current user";
  return lines[0] + "\n" + lines[1];
}

std::string ssl_protocol(const scenario::Target& t) {
  std::string out = "-all";
  for (auto v : t.tls_versions) out += v == scenario::TlsVersion::tls1_2 ? " +TLSv1.2" : " +TLSv1.3";
  return out;
}

// ap_expr list of allowed CNs; single-quoted strings, so a quote or backslash is refused.
std::string allow_rule(const scenario::Target& t) {
  if (t.allow.common_names.empty()) return "Require all granted";
  launch::check_cn_allow_list(kGateway, t, "'\\\n");
  std::string names;
  for (const auto& cn : t.allow.common_names) names += (names.empty() ? "'" : ", '") + cn + "'";
  return fmt::format("Require expr %{{SSL_CLIENT_S_DN_CN}} in {{ {} }}", names);
}

launch::Placeholders placeholders(const scenario::Scenario& s, const pki::Fixtures& f,
                                  const launch::Site& site) {
  const auto& t = s.target;
  auto v = launch::common_values(kGateway, s, f, site, kForbidden);
  launch::min_version(kGateway, t);  // refuses an empty list
  v["modules_dir"] = apache::modules_dir().string();
  v["user_directive"] = user_directive();
  v["ssl_protocol"] = ssl_protocol(t);
  v["ssl_crl"] = t.crl ? "SSLCARevocationFile " + v["crl_bundle"] + "\n    SSLCARevocationCheck chain"
                       : "# no CRL: [target] crl = false";
  v["ssl_session_cache"] = t.session_cache
                               ? "shmcb:" + v["runtime_dir"] + "/ssl_scache(512000)"
                               : "none";
  v["ssl_session_tickets"] = t.session_tickets ? "on" : "off";
  v["allow_rule"] = allow_rule(t);
  return v;
}

}  // namespace

std::unique_ptr<RunningTarget> start_apache(const scenario::Scenario& s, const pki::Fixtures& f,
                                            const StartOptions& opts) {
  if (!s.target.config.empty()) return start_apache_own(s, f, opts);
  launch::Gateway g;
  g.name = std::string(kGateway);
  const auto binary = launch::locate("apache2", kGateway, "apache2");
  g.template_name = s.target.nginx_template;
  g.runtime_dir = launch::runtime_dir_of(opts, g.name);
  common::make_dirs(g.runtime_dir);
  // "Server version: Apache/2.4.62 (Debian)"
  g.version = launch::version_after(
      launch::run_tool({binary.string(), "-v"}, g.runtime_dir / "apache-version.txt"),
      "Apache/", binary.string() + " -v");
  g.log_file = g.runtime_dir / "error.log";
  // Written by the parent once the listeners are open.
  g.pid_file = g.runtime_dir / "apache.pid";
  const auto templates = launch::find_templates_dir(g.name, s);
  g.prepare = [&](int port) {
    const auto conf = g.runtime_dir / "apache.conf";
    const auto values = placeholders(s, f, {opts.host, port, g.runtime_dir, ""});
    launch::write_includes(templates, g.name, values, g.runtime_dir);
    launch::write_template(templates, g.name, g.template_name, ".conf", values, conf);
    return launch::Commands{conf, {binary.string(), "-t", "-f", conf.string()}, "apache2 -t",
                            {binary.string(), "-f", conf.string(), "-DFOREGROUND"}};
  };
  auto l = launch::start_process(g, opts);
  auto ep = launch::loopback_endpoint(opts.host, l.port, f);
  return std::make_unique<launch::LaunchedTarget>(g, std::move(l), std::move(ep));
}

}  // namespace mtls::target
