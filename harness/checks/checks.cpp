#include "checks/checks.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "cases/request.hpp"
#include "checks/kinds.hpp"
#include "probe/probe.hpp"

namespace mtls::checks {
namespace {

// Unasked, the checks question what the user owns: their own config ([target] config) and,
// for what needs no config, their external gateway. The harness's templates and the embedded
// target are its own, and their cases already pin what they do.
bool users_own(const scenario::Scenario& s, bool needs_config) {
  if (!s.target.config.empty()) return true;
  return !needs_config && s.target.kind == scenario::TargetKind::external;
}

Selected choose(const scenario::Scenario& s, std::string name, const std::optional<bool>& setting,
                bool needs_config, bool meaningful, std::string why_not) {
  Selected c{std::move(name), false, setting.value_or(false), false, ""};
  if (setting == false) {
    c.why_not = "off in [checks]";
  } else if (!setting && !users_own(s, needs_config)) {
    c.quiet = true;
    c.why_not = "the target runs the harness's own configuration; set it to true in [checks] to ask anyway";
  } else if (!meaningful) {
    c.why_not = std::move(why_not);
  } else {
    c.runs = true;
  }
  return c;
}

report::CaseResult skipped_row(const Selected& c) {
  report::CaseResult r;
  r.check = c.name;
  r.case_name = c.name;
  r.identity = "none";
  r.verdict.status = report::Status::skipped;
  r.verdict.expected_text = "[checks] " + c.name + " = true";
  r.verdict.observed_text = "not run";
  r.verdict.message = fmt::format("{}: asked for in [checks], but cannot run here: {}", c.name, c.why_not);
  return r;
}

}  // namespace

bool iequal(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::vector<std::string> identity_header_names(const scenario::Scenario& s) {
  std::vector<std::string> out;
  auto add = [&](const std::string& n) {
    if (std::none_of(out.begin(), out.end(), [&](const std::string& x) { return iequal(x, n); })) out.push_back(n);
  };
  for (const auto& n : s.checks.identity_headers) add(n);
  for (const auto& h : s.checks.config_headers) add(h.name);
  return out;
}

Sites sites(const scenario::Scenario& s) {
  Sites out;
  auto add = [](std::vector<std::string>& v, const std::string& n) {
    if (std::find(v.begin(), v.end(), n) == v.end()) v.push_back(n);
  };
  for (const auto& n : s.checks.public_names) add(out.open, n);
  for (const auto& n : s.checks.protected_names) add(out.protected_, n);
  for (const auto& site : s.checks.config_sites) add(site.requires_certificate ? out.protected_ : out.open, site.name);
  return out;
}

std::vector<Selected> select(const Context& ctx) {
  const auto& s = ctx.s;
  const auto& c = s.checks;
  const auto names = identity_header_names(s);
  const auto named = sites(s);
  std::vector<Selected> out;
  out.push_back(choose(s, "spoofed_identity_headers", c.spoofed_identity_headers, false, ctx.backend && !names.empty(),
                       !ctx.backend ? "the target has no recording backend to tell forged headers from the gateway's "
                                      "(a gateway launched from your config, with an upstream, has one)"
                                    : "the config sets no header from the client certificate; list the headers "
                                      "your backend trusts in [checks] identity_headers"));
  out.push_back(choose(s, "sni_host_mismatch", c.sni_host_mismatch, false, !named.open.empty() && !named.protected_.empty(),
                       s.target.config.empty()
                           ? "no names to try: set [checks] public_names and protected_names for a gateway "
                             "serving several names on one port"
                           : "the config's TLS port does not serve both a name that requires a client "
                             "certificate and one that does not"));
  out.push_back(choose(s, "requested_vs_required", c.requested_vs_required, false, true, ""));
  out.push_back(choose(s, "refusals_logged", c.refusals_logged, true, !ctx.gateway.empty(),
                       s.target.kind == scenario::TargetKind::external
                           ? "the harness does not read an external gateway's logs"
                           : "the target keeps no log of its own (only a launched gateway does)"));
  return out;
}

std::vector<report::CaseResult> run(const Context& ctx, const std::vector<report::CaseResult>& cases,
                                    const std::function<void(const report::CaseResult&)>& on_result) {
  std::vector<report::CaseResult> out;
  for (const auto& c : select(ctx)) {
    if (ctx.stop && ctx.stop->load()) break;
    std::vector<report::CaseResult> rows;
    if (!c.runs) {
      if (c.asked) rows.push_back(skipped_row(c));
    } else if (c.name == "spoofed_identity_headers") {
      rows = spoofed_identity_headers(ctx);
    } else if (c.name == "sni_host_mismatch") {
      rows = sni_host_mismatch(ctx);
    } else if (c.name == "requested_vs_required") {
      rows = requested_vs_required(ctx);
    } else if (c.name == "refusals_logged") {
      rows = refusals_logged(ctx, cases);
    }
    for (auto& r : rows) {
      if (on_result) on_result(r);
      out.push_back(std::move(r));
    }
  }
  return out;
}

Probed run_probe(const Context& ctx, const Probe& p) {
  scenario::Case c;
  c.name = "check";
  c.identity = p.identity;
  c.path = p.path;
  c.headers = p.headers;
  c.host = p.host;
  auto ep = ctx.ep;
  if (!p.sni.empty()) ep.server_name = p.sni;
  const auto id = cases::next_request_id();
  Probed out;
  out.outcome = probe::run(cases::request_for(c, ctx.f, ep, p.version, ctx.s.target.timeout_ms, id));
  if (ctx.backend) out.backend = ctx.backend(id).value_or(report::BackendSeen{});
  return out;
}

report::CaseResult row(const std::string& check, std::string name, const Probe& p, Probed probed, report::Verdict v) {
  report::CaseResult r;
  r.check = check;
  r.case_name = std::move(name);
  r.identity = p.identity;
  r.version = p.version;
  r.verdict = std::move(v);
  r.outcome = std::move(probed.outcome);
  r.backend = std::move(probed.backend);
  return r;
}

scenario::TlsVersion newest_version(const scenario::Scenario& s) {
  const auto& vs = s.target.tls_versions;
  return vs.empty() ? scenario::TlsVersion::tls1_3 : *std::max_element(vs.begin(), vs.end());
}

const scenario::Case* valid_case(const scenario::Scenario& s) {
  for (const auto& c : s.cases)
    if (c.skip.empty() && c.expect.kind == scenario::ExpectKind::accept && !scenario::sends_no_certificate(c.identity))
      return &c;
  return nullptr;
}

std::string header_fix(const std::string& gateway, const std::string& h) {
  if (gateway == "nginx")
    return fmt::format("proxy_set_header {} $ssl_client_s_dn; (or \"\" to clear it) in every location that proxies "
                       "— a location with a proxy_set_header of its own inherits none from above",
                       h);
  if (gateway == "haproxy")
    return fmt::format("http-request set-header {} %[ssl_c_s_dn] (or http-request del-header {}) in the frontend", h, h);
  if (gateway == "apache") return fmt::format("RequestHeader set {} \"%{{SSL_CLIENT_S_DN}}s\" (or RequestHeader unset {} early)", h, h);
  if (gateway == "caddy")
    return fmt::format("header_up {} {{http.request.tls.client.subject}} (or header_up -{}) in reverse_proxy", h, h);
  return fmt::format("overwrite or remove {} on the request the gateway forwards", h);
}

}  // namespace mtls::checks
