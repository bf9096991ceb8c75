// start_haproxy: HAProxy 2.6 from a template under fixtures/haproxy/, started in the
// foreground on a free loopback port and stopped by PID (launch.cpp does the process part).
#include <fmt/format.h>

#include "common/files.hpp"
#include "target/launch.hpp"
#include "target/launch_tool.hpp"
#include "target/launch_values.hpp"

namespace mtls::target {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kGateway = "haproxy";
// Characters HAProxy's config tokenizer reads specially in an unquoted word.
constexpr std::string_view kForbidden = " \t\n\"'#\\$";

std::string tls_name(scenario::TlsVersion v) {
  return v == scenario::TlsVersion::tls1_2 ? "TLSv1.2" : "TLSv1.3";
}

// `http-request deny` for clients whose CN is not listed; single quotes keep every other
// character literal (HAProxy expands $VARS and backslashes only outside them).
std::string allow_rule(const scenario::Target& t) {
  if (t.allow.common_names.empty()) return "# no [target.allow]: every verified client passes";
  launch::check_cn_allow_list(kGateway, t, "'\n");
  std::string names;
  for (const auto& cn : t.allow.common_names) names += " '" + cn + "'";
  return fmt::format("http-request deny deny_status 403 unless {{ ssl_c_s_dn(CN) -m str{} }}",
                     names);
}

launch::Placeholders placeholders(const scenario::Scenario& s, const pki::Fixtures& f,
                                  const launch::Site& site) {
  const auto& t = s.target;
  auto v = launch::common_values(kGateway, s, f, site, kForbidden);
  // HAProxy wants the certificate chain and its key in one file (`crt`).
  const auto pem = site.runtime_dir / "server.pem";
  common::write_secret_atomic(pem, common::read_file(v["server_cert"]) +
                                       common::read_file(v["server_key"]));
  v["server_pem"] = pem.string();
  v["crl_file"] = t.crl ? "crl-file " + v["crl_bundle"] : "";
  v["ssl_versions"] = fmt::format("ssl-min-ver {} ssl-max-ver {}",
                                  tls_name(launch::min_version(kGateway, t)),
                                  tls_name(launch::max_version(kGateway, t)));
  v["tls_tickets"] = t.session_tickets ? "" : "no-tls-tickets";
  v["ssl_cache"] = t.session_cache ? "# session cache: HAProxy's default"
                                   : "tune.ssl.cachesize 0";
  v["allow_rule"] = allow_rule(t);
  return v;
}

}  // namespace

std::unique_ptr<RunningTarget> start_haproxy(const scenario::Scenario& s, const pki::Fixtures& f,
                                             const StartOptions& opts) {
  if (!s.target.config.empty()) return start_haproxy_own(s, f, opts);
  launch::Gateway g;
  g.name = std::string(kGateway);
  const auto binary = launch::locate("haproxy", kGateway, "haproxy");
  g.template_name = s.target.nginx_template;
  g.runtime_dir = launch::runtime_dir_of(opts, g.name);
  common::make_dirs(g.runtime_dir);
  // "HAProxy version 2.6.12-1+deb12u4 2023/12/14 - https://haproxy.org/"
  g.version = launch::version_after(
      launch::run_tool({binary.string(), "-v"}, g.runtime_dir / "haproxy-version.txt"),
      "HAProxy version ", binary.string() + " -v");
  // `log stderr` in the templates: HAProxy's log is what it prints.
  g.log_file = g.runtime_dir / "haproxy.out";
  // In the foreground (-db) HAProxy writes no pid file; our child is the only process.
  const auto templates = launch::find_templates_dir(g.name, s);
  g.prepare = [&](int port) {
    const auto conf = g.runtime_dir / "haproxy.cfg";
    const auto values = placeholders(s, f, {opts.host, port, g.runtime_dir, ""});
    launch::write_template(templates, g.name, g.template_name, ".cfg", values, conf);
    // HAProxy has no include directive but reads several -f files in order: the shared
    // global and defaults sections first, then the template's frontend.
    const auto base = launch::write_includes(templates, g.name, values, g.runtime_dir) / "base.cfg";
    const std::vector<std::string> files = {"-f", base.string(), "-f", conf.string()};
    auto check = std::vector<std::string>{binary.string(), "-c", "-q"};
    auto run = std::vector<std::string>{binary.string(), "-db"};
    check.insert(check.end(), files.begin(), files.end());
    run.insert(run.end(), files.begin(), files.end());
    return launch::Commands{conf, check, "haproxy -c", run};
  };
  auto l = launch::start_process(g, opts);
  auto ep = launch::loopback_endpoint(opts.host, l.port, f);
  return std::make_unique<launch::LaunchedTarget>(g, std::move(l), std::move(ep));
}

}  // namespace mtls::target
