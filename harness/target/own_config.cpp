#include "target/own_config.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "common/files.hpp"
#include "common/process.hpp"
#include "target/apache_own.hpp"
#include "target/caddy_own.hpp"
#include "target/haproxy_own.hpp"
#include "target/loopback_backend.hpp"
#include "target/nginx_own.hpp"

namespace mtls::target {
namespace fs = std::filesystem;

void adopt_own_config(scenario::Scenario& s) {
  if (s.target.config.empty()) return;
  switch (s.target.kind) {
    case scenario::TargetKind::nginx: return own::apply(s, adopt_nginx_config(s));
    case scenario::TargetKind::haproxy: return own::apply(s, adopt_haproxy_config(s));
    case scenario::TargetKind::apache: return own::apply(s, adopt_apache_config(s));
    case scenario::TargetKind::caddy: return own::apply(s, adopt_caddy_config(s));
    default:
      // The scenario reader refuses config for kinds without a rewrite.
      throw std::logic_error("[target] config for kind " + scenario::to_string(s.target.kind));
  }
}

namespace own {

void apply(scenario::Scenario& s, const Adopted& a) {
  s.target.verify = a.verify;
  s.target.crl = a.crl;
  auto& names = s.pki.server_dns;
  if (!a.server_name.empty() && std::find(names.begin(), names.end(), a.server_name) == names.end())
    names.push_back(a.server_name);
  s.target.server_name = a.server_name.empty() ? "localhost" : a.server_name;
  // The built-in checks ask about these; the fixture server certificate carries every name
  // the port serves, so a probe with another name's SNI is about routing, not trust.
  for (const auto& h : a.identity_headers)
    s.checks.config_headers.push_back({h.name, h.to_backend, h.where.label() + " " + h.text});
  for (const auto& site : a.sites) {
    s.checks.config_sites.push_back({site.name, site.requires_certificate, site.verify, site.where.label()});
    if (std::find(names.begin(), names.end(), site.name) == names.end()) names.push_back(site.name);
  }
}

report::TargetConfig record(const scenario::Scenario& s, const std::vector<userconf::Listener>& listeners,
                            int chosen_port, const userconf::Rendered& r, const fs::path& rendered_file) {
  report::TargetConfig tc;
  tc.source = s.target.config.string();
  tc.rendered = rendered_file.string();
  tc.trust = s.pki.user_ca.given() ? "as written (clients issued by [pki] ca_cert " +
                                         s.pki.user_ca.ca_cert.string() + ")"
                                   : "fixture PKI";
  for (const auto& l : listeners)
    tc.listeners.push_back({l.written_port, l.port, l.ssl, l.written_port == chosen_port});
  for (const auto& c : r.changes) tc.changes.push_back({c.where.label(), c.directive, c.from, c.to, c.label()});
  return tc;
}

std::optional<fs::path> client_trust(const scenario::Scenario& s, const pki::Fixtures& f) {
  // With the user's CA the clients come from it: the trust the config names is what is tested.
  if (s.pki.user_ca.given()) return std::nullopt;
  return f.ca_bundle;
}

void copy_crl(const pki::Fixtures& f, const fs::path& to, const std::string& gateway) {
  try {
    common::write_file_atomic(to, common::read_file(f.crl_bundle), 0644, common::Durability::regenerable);
  } catch (const std::exception& e) {
    throw TargetError(gateway + ": the config checks a CRL but the fixture CRL bundle cannot be read: " + e.what());
  }
}

std::map<int, int> assign_ports(std::vector<userconf::Listener>& listeners, int chosen_port, int port) {
  std::map<int, int> out;
  for (auto& l : listeners) {
    l.port = l.written_port == chosen_port ? port : common::free_loopback_port();
    out[l.written_port] = l.port;
  }
  return out;
}

std::unique_ptr<RunningTarget> launch(const scenario::Scenario& s, const pki::Fixtures& f, const StartOptions& opts,
                                      const launch::Gateway& g, std::unique_ptr<LoopbackBackend> backend,
                                      const std::vector<userconf::Listener>& listeners, int chosen_port,
                                      const userconf::Rendered& rendered, const fs::path& conf) {
  launch::Launched l;
  try {
    l = launch::start_process(g, opts);
  } catch (const TargetError& e) {
    throw TargetError(userconf::translate(e.what(), conf, rendered));  // the user fixes their own file
  }
  auto ep = launch::loopback_endpoint(opts.host, l.port, f);
  if (!s.target.server_name.empty()) ep.server_name = s.target.server_name;
  auto rewrite = record(s, listeners, chosen_port, rendered, conf);
  auto description = fmt::format("{} {} (config {})", g.name, g.version, g.template_name);
  return std::make_unique<OwnConfigTarget>(g, std::move(l), std::move(ep), std::move(backend), std::move(rewrite),
                                           std::move(description));
}

OwnConfigTarget::OwnConfigTarget(const launch::Gateway& g, launch::Launched l, Endpoint ep,
                                 std::unique_ptr<LoopbackBackend> backend, report::TargetConfig rewrite,
                                 std::string description)
    : LaunchedTarget(g, std::move(l), std::move(ep)),
      backend_(std::move(backend)),
      rewrite_(std::move(rewrite)),
      description_(std::move(description)) {}

OwnConfigTarget::~OwnConfigTarget() { stop(); }

void OwnConfigTarget::stop() {
  LaunchedTarget::stop();
  if (backend_) backend_->stop();
}

}  // namespace own
}  // namespace mtls::target
