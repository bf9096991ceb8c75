// [target] and [target.allow]: which gateway is tested and how it is configured to verify
// clients. Keys that only one kind of target understands are errors on the others.
#include <algorithm>
#include <fmt/core.h>

#include "common/https_url.hpp"
#include "scenario/sections.hpp"

namespace mtls::scenario::detail {
namespace {

constexpr std::string_view kKeys[] = {
    "kind",        "profile",         "verify",   "crl",          "verify_depth",
    "tls_versions", "session_cache",  "session_tickets", "template", "nginx_binary",
    "url",         "server_name",     "ca_file",  "timeout_ms",   "allow",
    "ocsp",        "ocsp_responder", "pid", "pid_file", "config", "listener", "gateway_crl"};
constexpr std::string_view kAllowKeys[] = {"common_names", "san_dns", "san_uri"};

// Gateway profiles: how a target expresses canonical refusals on the wire.
const std::vector<std::string> kProfiles = {"strict", "nginx", "haproxy", "apache", "caddy"};

// Gateways the harness launches from fixtures/<kind>/ templates.
constexpr TargetKind kLaunched[] = {TargetKind::nginx, TargetKind::haproxy, TargetKind::apache,
                                    TargetKind::caddy};
bool launched(TargetKind k) {
  return std::find(std::begin(kLaunched), std::end(kLaunched), k) != std::end(kLaunched);
}

struct KindOnly {
  std::string_view key;
  TargetKind kind;
  bool any_launched = false;  // the key applies to every launched gateway, not only `kind`
};
constexpr KindOnly kKindOnly[] = {
    {"template", TargetKind::nginx, true}, {"nginx_binary", TargetKind::nginx},
    {"config", TargetKind::nginx, true},   {"listener", TargetKind::nginx, true},
    {"gateway_crl", TargetKind::nginx, true},
    {"url", TargetKind::external},         {"server_name", TargetKind::external},
    {"ca_file", TargetKind::external},
    {"pid", TargetKind::external},         {"pid_file", TargetKind::external},
    {"ocsp", TargetKind::nginx},           {"ocsp_responder", TargetKind::nginx},
};

void read_allow(Reader& r, const toml::table& t, AllowList& allow) {
  const toml::table* a = r.table(t, "allow", "target");
  if (!a) return;
  r.check_keys(*a, "target.allow", "[target.allow]", kAllowKeys);
  if (auto v = r.strings(*a, "common_names", "target.allow")) allow.common_names = *v;
  if (auto v = r.strings(*a, "san_dns", "target.allow")) allow.san_dns = *v;
  if (auto v = r.strings(*a, "san_uri", "target.allow")) allow.san_uri = *v;
}

// Keys another kind of target would understand; true when none is misplaced.
bool check_kind_only(Reader& r, const toml::table& t, TargetKind kind) {
  bool ok = true;
  for (const auto& k : kKindOnly) {
    if (k.kind == kind || (k.any_launched && launched(kind)) || !t.contains(k.key)) continue;
    const std::string kinds = "\"" + to_string(k.kind) + "\"" +
                              (k.any_launched ? " (or \"haproxy\", \"apache\", \"caddy\")" : "");
    r.error(Reader::at(t, k.key), join("target", k.key),
            fmt::format("'{}' applies only to kind = {}; this target is \"{}\"", k.key, kinds,
                        to_string(kind)),
            fmt::format("remove it, or set kind = \"{}\"", to_string(k.kind)));
    ok = false;
  }
  return ok;
}

void read_external(Reader& r, const toml::table& t, Target& g) {
  if (!t.contains("url"))
    r.error(where_of(t), "target.url", "kind = \"external\" needs the gateway's url",
            "add url = \"https://gateway.example:8443/\"");
  if (auto url = r.string(t, "url", "target")) {
    const auto parsed = common::parse_https_url(*url);
    if (!parsed.url)
      r.error(Reader::at(t, "url"), "target.url", fmt::format("'{}' {}", *url, parsed.problem),
              "write it as https://host[:port][/path]");
    g.url = *url;
    if (parsed.url) g.server_name = parsed.url->host;
  }
  if (auto v = r.string(t, "server_name", "target")) g.server_name = *v;

  if (!t.contains("ca_file"))
    r.error(where_of(t), "target.ca_file",
            "kind = \"external\" needs ca_file: the CA that signed the gateway's server certificate",
            "add ca_file = \"path/to/server-ca.pem\" (relative to this scenario file)");
  if (auto v = r.string(t, "ca_file", "target")) {
    g.ca_file = r.resolve(*v);
    if (auto why = input_file_problem(g.ca_file))
      r.error(Reader::at(t, "ca_file"), "target.ca_file", *why,
              "paths are relative to the scenario file's directory");
  }
  if (auto v = r.integer(t, "pid", "target", 1, 4194304)) g.pid = *v;
  if (auto v = r.string(t, "pid_file", "target")) g.pid_file = r.resolve(*v);
  if (t.contains("pid") && t.contains("pid_file"))
    r.error(Reader::at(t, "pid_file"), "target.pid_file", "both pid and pid_file are set",
            "keep one: pid = 1234 for a fixed process, pid_file = \"/run/nginx.pid\" to read it at "
            "each phase");
}

// ocsp / ocsp_responder: whether the gateway checks client certificates with the fixture
// OCSP responder, and whether that responder answers.
void read_ocsp(Reader& r, const toml::table& t, Target& g) {
  if (auto v = r.choice<OcspCheck>(t, "ocsp", "target")) g.ocsp = *v;
  if (auto v = r.choice<OcspResponder>(t, "ocsp_responder", "target")) {
    g.ocsp_responder = *v;
    if (g.ocsp == OcspCheck::off)
      r.error(Reader::at(t, "ocsp_responder"), "target.ocsp_responder",
              "the OCSP responder only runs when the gateway checks OCSP, but ocsp is off",
              "add ocsp = \"leaf\" (or \"chain\"), or remove ocsp_responder");
  }
}

// Keys that describe how the harness renders its own template: with the user's config the
// config says it, and two sources of truth would let a gate pass on the wrong one.
constexpr std::string_view kTemplateOnly[] = {"template", "verify", "crl", "verify_depth",
                                              "session_cache", "session_tickets", "allow"};

// config / listener: the user's own gateway config instead of a template (nginx, HAProxy, Apache httpd, Caddy).
void read_config(Reader& r, const toml::table& t, Target& g) {
  const auto v = r.string(t, "config", "target");
  if (!v) {
    if (t.contains("listener"))
      r.error(Reader::at(t, "listener"), "target.listener",
              "listener picks one listener of the user's config, but there is no config",
              "add config = \"path/to/nginx.conf\", or remove listener");
    return;
  }
  g.config = r.resolve(*v);
  if (auto why = input_file_problem(g.config))
    r.error(Reader::at(t, "config"), "target.config", *why,
            "paths are relative to the scenario file's directory");
  for (auto key : kTemplateOnly)
    if (t.contains(key))
      r.error(Reader::at(t, key), join("target", key),
              fmt::format("'{}' describes the harness's own template; with config the harness "
                          "reads it from the config file", key),
              "remove it: the config says it");
  if (auto l = r.string(t, "listener", "target")) {
    const bool digits = !l->empty() && l->size() <= 5 &&
                        std::all_of(l->begin(), l->end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits)
      r.error(Reader::at(t, "listener"), "target.listener",
              fmt::format("'{}' is not a port", *l), "write the port the config listens on: listener = \"443\"");
    g.listener = *l;
  }
}

// gateway_crl: the CRL the config names is the one checked, as deployed. Only meaningful when
// the clients come from the user's CA: the fixture CA is in no CRL of theirs.
void read_gateway_crl(Reader& r, const toml::table& t, const Scenario& s, Target& g) {
  const auto v = r.boolean(t, "gateway_crl", "target");
  if (!v) return;
  if (g.config.empty())
    r.error(Reader::at(t, "gateway_crl"), "target.gateway_crl",
            "gateway_crl keeps the CRL of the user's config, but there is no config",
            "add config = \"path/to/gateway.conf\", or remove gateway_crl");
  else if (*v && !s.pki.user_ca.given())
    r.error(Reader::at(t, "gateway_crl"), "target.gateway_crl",
            "gateway_crl keeps your CRL, but the clients come from the fixture CA, which it does not cover: "
            "every client would be refused for want of a CRL",
            "set [pki] ca_cert (and ca_key) to your CA, or remove gateway_crl");
  g.gateway_crl = *v;
}

void read(Reader& r, const toml::table& root, Scenario& s) {
  Target& g = s.target;
  g.verify_depth = s.pki.verify_depth;
  const toml::table* tp = r.table(root, "target", "");
  if (!tp) return;
  const toml::table& t = *tp;
  g.where = where_of(t);
  r.check_keys(t, "target", "[target]", kKeys);

  if (auto v = r.choice<TargetKind>(t, "kind", "target")) g.kind = *v;
  // A launched gateway refuses its own way; its profile is named after it.
  g.profile = launched(g.kind) ? to_string(g.kind) : "strict";
  if (auto v = r.one_of(t, "profile", "target", kProfiles)) {
    if (g.kind == TargetKind::embedded && *v != "strict")
      r.error(Reader::at(t, "profile"), "target.profile",
              "the embedded target always refuses the strict way (TLS alerts)",
              "remove profile, or use kind = \"nginx\"");
    g.profile = *v;
  }
  if (auto v = r.choice<VerifyMode>(t, "verify", "target")) g.verify = *v;
  if (auto v = r.boolean(t, "crl", "target")) g.crl = *v;
  if (auto v = r.integer(t, "verify_depth", "target", 1, 10)) g.verify_depth = *v;
  if (auto v = r.choices<TlsVersion>(t, "tls_versions", "target")) g.tls_versions = *v;
  if (auto v = r.boolean(t, "session_cache", "target")) g.session_cache = *v;
  if (auto v = r.boolean(t, "session_tickets", "target")) g.session_tickets = *v;
  if (auto v = r.integer(t, "timeout_ms", "target", 100, 600000)) g.timeout_ms = *v;
  read_allow(r, t, g.allow);

  if (!check_kind_only(r, t, g.kind)) return;
  if (launched(g.kind))
    if (auto v = r.string(t, "template", "target")) g.nginx_template = *v;
  if (g.kind == TargetKind::nginx)
    if (auto v = r.string(t, "nginx_binary", "target")) g.nginx_binary = *v;
  if (g.kind == TargetKind::external) read_external(r, t, g);
  if (g.kind == TargetKind::nginx) read_ocsp(r, t, g);
  if (launched(g.kind)) read_config(r, t, g);
  if (launched(g.kind)) read_gateway_crl(r, t, s, g);
}

}  // namespace

extern const Section kTargetSection = {"target", false, kKeys, read};

}  // namespace mtls::scenario::detail
