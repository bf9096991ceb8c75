#include "repro/reproduce.hpp"

#include <algorithm>
#include <chrono>
#include <fmt/core.h>
#include <stdexcept>
#include <thread>

#include "pki/layout.hpp"
#include "repro/target_url.hpp"
#include "scenario/loader.hpp"
#include "scenario/names.hpp"

namespace mtls::repro {
namespace {

namespace fs = std::filesystem;
using scenario::TargetKind;
using scenario::TlsVersion;

scenario::Scenario load(const fs::path& file) {
  auto r = scenario::load_file(file);
  if (!r.ok()) {
    std::string text = file.string() + ": the repro scenario does not load:";
    for (const auto& d : r.diagnostics) text += "\n  " + d.to_string();
    throw std::runtime_error(text);
  }
  return r.scenario;
}

const scenario::Case& find_case(const scenario::Scenario& s, std::string_view name) {
  for (const auto& c : s.cases)
    if (c.name == name) return c;
  throw std::runtime_error(s.file.string() + ": no case named '" + std::string(name) +
                           "' (the catalogue entry runs it)");
}

std::optional<tlsclient::ClientCredentials> credentials(const pki::Fixtures& f,
                                                        const std::string& identity) {
  if (scenario::sends_no_certificate(identity)) return std::nullopt;
  const auto* files = f.find(identity);
  if (!files) throw std::runtime_error("no fixture files for identity '" + identity + "'");
  return tlsclient::credentials_for(*files);
}

std::string bracketed(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

probe::Request request_for(const Entry& e, const scenario::Case& c, const pki::Fixtures& f,
                           const target::Endpoint& ep, TlsVersion v, long timeout_ms) {
  probe::Request r;
  const std::string name = e.client.server_name.empty() ? ep.server_name : e.client.server_name;
  std::string base = ep.base_path;
  if (!base.empty() && base.back() == '/') base.pop_back();
  r.url = "https://" + bracketed(name) + ":" + std::to_string(ep.port) + base + c.path;
  r.connect_host = ep.host;
  r.connect_port = ep.port;
  r.trust = e.client.trust == ClientTrust::rogue_ca
                ? pki::layout::ca_cert(f.dir, "rogue-root").string()
                : ep.trust.string();
  r.client = credentials(f, c.identity);
  r.version = v;
  r.timeout_ms = timeout_ms;
  r.body_limit = 4096;
  r.cipher_list = e.client.cipher_list;
  r.tls13_ciphersuites = e.client.tls13_ciphersuites;
  return r;
}

SClientArgs s_client_args(const probe::Request& r, const scenario::Case& c, const fs::path& scratch) {
  SClientArgs a;
  a.host = r.connect_host;
  a.port = r.connect_port;
  const auto host_start = r.url.find("://") + 3;
  const auto port_colon = r.url.rfind(':');
  a.server_name = r.url.substr(host_start, port_colon - host_start);
  if (!a.server_name.empty() && a.server_name.front() == '[')
    a.server_name = a.server_name.substr(1, a.server_name.size() - 2);
  a.trust = r.trust;
  if (r.client) {
    a.cert = r.client->cert;
    a.key = r.client->key;
    a.chain = r.client->chain;
  }
  a.version = r.version;
  a.cipher_list = r.cipher_list;
  a.tls13_ciphersuites = r.tls13_ciphersuites;
  a.path = c.path;
  a.scratch = scratch;
  a.timeout = std::chrono::milliseconds(r.timeout_ms);
  return a;
}

// nginx writes its line right after it answered or sent its alert: wait for the claimed
// line a little, then take everything this attempt wrote.
std::string log_of_attempt(const target::RunningTarget& t, std::size_t mark,
                           const std::vector<const Claim*>& claims) {
  std::string needle;
  for (const auto* c : claims)
    if (!c->log.empty()) needle = c->log;
  std::string text;
  for (int i = 0; i < 100; ++i) {
    const auto all = t.log_since_start();
    text = all.size() > mark ? all.substr(mark) : "";
    if (needle.empty() ? i >= 10 : text.find(needle) != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return text;
}

// The harness's readiness check (a bare TCP connect) makes nginx log "client closed
// connection while SSL handshaking" a moment after start; let it land before the first
// attempt takes its mark, or it would be shown as that attempt's server-side line.
void let_start_log_settle(const target::RunningTarget& t) {
  for (int i = 0; i < 60; ++i) {
    if (t.log_since_start().find("closed connection") != std::string::npos) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::string alerts_text(const probe::Outcome& o) {
  if (o.alerts.empty()) return "no alert";
  std::string out;
  for (const auto& a : o.alerts)
    out += (out.empty() ? "" : ", ") + a.name + (a.from_server ? " from the server" : " from the client");
  return out;
}

std::vector<std::string> mismatches_for(const std::vector<const Claim*>& claims,
                                        const Attempt& a, bool check_log) {
  std::vector<std::string> out;
  for (const auto* c : claims)
    for (auto& m : check(*c, a.outcome, a.server_log, &a.s_client, check_log)) out.push_back(m);
  if (a.contrast && a.contrast->http_status != 200)
    out.push_back(fmt::format("the contrast (the same client sending its certificate) was not "
                              "accepted: HTTP {}, {}", a.contrast->http_status,
                              a.contrast->curl_error));
  return out;
}

// A URL target's kind is unknown: the failure is reproduced when it shows the way one of the
// catalogued gateways shows it (logs aside).
std::vector<std::string> url_mismatches(const Entry& e, Attempt& a) {
  std::vector<std::string> best;
  bool first = true;
  for (auto kind : e.targets) {
    auto claims = claims_for(e, kind, a.version);
    if (claims.empty()) continue;
    auto m = mismatches_for(claims, a, false);
    if (first || m.size() < best.size()) {
      best = m;
      a.claims = claims;
    }
    first = false;
  }
  return best;
}

std::map<std::string, std::string> placeholders(const Entry& e, const scenario::Case& c,
                                                const pki::Fixtures& f, const fs::path& file,
                                                const fs::path& fixtures_root) {
  std::map<std::string, std::string> p = {
      {"trust", f.server_trust.string()},
      {"ca_bundle", f.ca_bundle.string()},
      {"crl_bundle", f.crl_bundle.string()},
      {"server_cert", f.server_cert.string()},
      {"intermediate", pki::layout::ca_cert(f.dir, "intermediate").string()},
      {"depth", std::to_string(f.verify_depth)},
      {"serve", "mtls-harness serve " + file.string() + " --fixtures " + fixtures_root.string() +
                    " --port 8443 &   # the embedded target on 127.0.0.1:8443 (or your gateway)"},
      {"url", "https://localhost:8443/"},
      {"resolve", "--resolve localhost:8443:127.0.0.1"},
      {"entry", std::string(e.name)},
  };
  auto add = [&](const std::string& prefix, const pki::IdentityFiles* id) {
    if (!id) return;
    p[prefix + "_cert"] = id->cert.string();
    p[prefix + "_key"] = id->key.string();
    p[prefix + "_chain"] = id->chain.string();
    p[prefix + "_fullchain"] = id->fullchain.string();
    p[prefix + "_dir"] = id->cert.parent_path().string();
  };
  add("valid", f.find("valid"));
  add("bad", scenario::sends_no_certificate(c.identity) ? nullptr : f.find(c.identity));
  return p;
}

std::vector<TlsVersion> versions_to_run(const Entry& e, const scenario::Case& c,
                                        const Options& o) {
  if (e.client.version) return {*e.client.version};  // the entry is about the version
  std::vector<TlsVersion> out;
  for (auto v : c.tls_versions)
    if (!o.tls || *o.tls == v) out.push_back(v);
  if (out.empty())
    throw std::runtime_error("repro " + std::string(e.name) + ": its case does not run on TLS " +
                             scenario::to_string(*o.tls));
  return out;
}

}  // namespace

bool Reproduction::reproduced() const {
  return !attempts.empty() &&
         std::all_of(attempts.begin(), attempts.end(), [](const Attempt& a) { return a.reproduced(); });
}

std::vector<std::string> check(const Claim& c, const probe::Outcome& o, const std::string& log,
                               const SClientRun* s_client, bool check_log) {
  std::vector<std::string> out;
  if (!c.alert.empty()) {
    const bool from_server = !c.alert_by_client;
    const probe::TlsAlert* seen = nullptr;
    for (const auto& a : o.alerts)
      if (a.fatal && a.from_server == from_server && a.name == c.alert) seen = &a;
    if (!seen)
      out.push_back(fmt::format("expected alert {} from the {}; saw {}", c.alert,
                                from_server ? "server" : "client", alerts_text(o)));
    else if (c.alert_during_handshake && seen->during_handshake != *c.alert_during_handshake)
      out.push_back(fmt::format("expected alert {} {} the handshake; it came {}", c.alert,
                                *c.alert_during_handshake ? "during" : "after",
                                seen->during_handshake ? "during it" : "after it"));
  }
  if (c.status != o.http_status)
    out.push_back(c.status ? fmt::format("expected HTTP {}; got {}", c.status,
                                         o.http_status ? std::to_string(o.http_status)
                                                       : std::string("no HTTP answer"))
                           : fmt::format("expected no HTTP answer; got HTTP {}", o.http_status));
  if (!c.body.empty() && o.body.find(c.body) == std::string::npos)
    out.push_back(fmt::format("expected the body to contain '{}'", c.body));
  if (c.curl_code != o.curl_code)
    out.push_back(fmt::format("expected curl ({}); got ({}) {}", c.curl_code, o.curl_code,
                              o.curl_error));
  if (!c.curl_text.empty() && o.curl_error.find(c.curl_text) == std::string::npos)
    out.push_back(fmt::format("expected curl's message to contain '{}'; it was '{}'",
                              c.curl_text, o.curl_error));
  if (s_client && s_client->ran && !c.s_client_text.empty() &&
      s_client->output.find(c.s_client_text) == std::string::npos)
    out.push_back(fmt::format("expected openssl s_client to print '{}'", c.s_client_text));
  if (check_log && !c.log.empty() && log.find(c.log) == std::string::npos)
    out.push_back(fmt::format("expected the server log to contain '{}'", c.log));
  return out;
}

Reproduction reproduce(const Entry& e, const Options& o) {
  Reproduction rep;
  rep.entry = &e;
  rep.scenario_file = o.scenarios_dir / e.scenario;
  auto s = load(rep.scenario_file);
  const auto& c = find_case(s, e.case_name);

  const bool url = !o.target_url.empty();
  if (!url && o.target) {
    if (*o.target == TargetKind::nginx && s.target.kind != TargetKind::nginx) s.target.profile = "nginx";
    if (*o.target == TargetKind::embedded) s.target.profile = "strict";
    s.target.kind = *o.target;
  }
  rep.target_kind = url ? "url" : scenario::to_string(s.target.kind);
  if (!url && !applies_to(e, s.target.kind))
    throw std::runtime_error("repro " + std::string(e.name) + " is not catalogued for target " +
                             rep.target_kind);
  const auto versions = versions_to_run(e, c, o);

  pki::Options popts;
  popts.fixtures_root = o.fixtures_root;
  rep.fixtures = pki::materialize(s, popts);
  rep.placeholders = placeholders(e, c, rep.fixtures, rep.scenario_file, o.fixtures_root);

  const fs::path work = o.work_dir / std::string(e.name);
  std::unique_ptr<target::RunningTarget> tgt;
  if (url) {
    rep.endpoint = endpoint_from_url(o.target_url, o.target_cacert);
    rep.target_text = "external " + o.target_url;
  } else {
    target::StartOptions topts;
    topts.runtime_dir = work / "target";
    tgt = target::start(s, rep.fixtures, topts);
    rep.endpoint = tgt->endpoint();
    rep.target_text = tgt->describe();
    if (s.target.kind == TargetKind::nginx) let_start_log_settle(*tgt);
  }

  for (auto v : versions) {
    Attempt a;
    a.version = v;
    a.request = request_for(e, c, rep.fixtures, rep.endpoint, v, s.target.timeout_ms);
    a.claims = url ? std::vector<const Claim*>{} : claims_for(e, s.target.kind, v);
    const std::size_t mark = tgt ? tgt->log_since_start().size() : 0;
    a.outcome = probe::run(a.request);
    if (tgt && s.target.kind == TargetKind::nginx) a.server_log = log_of_attempt(*tgt, mark, a.claims);
    if (o.s_client)
      a.s_client = run_s_client(s_client_args(a.request, c, work / ("tls" + scenario::to_string(v))));
    if (!e.contrast_identity.empty()) {
      auto with_cert = a.request;
      with_cert.client = credentials(rep.fixtures, std::string(e.contrast_identity));
      a.contrast = probe::run(with_cert);
    }
    a.mismatches = url ? url_mismatches(e, a) : mismatches_for(a.claims, a, true);
    rep.attempts.push_back(std::move(a));
  }
  if (tgt) tgt->stop();
  return rep;
}

}  // namespace mtls::repro
