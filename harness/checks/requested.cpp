// requested_vs_required: on each TLS version, a client without a certificate learns whether
// the gateway asks for one (CertificateRequest), which CA names it advertises, and whether it
// refuses a client that sends none. A gateway that only requests and lets that client reach
// the backend leaves the decision to the application: a finding unless a case of the
// scenario says anonymous clients are meant to get in.
#include <fmt/format.h>

#include "cases/backend_check.hpp"
#include "cases/verdict.hpp"
#include "checks/kinds.hpp"

namespace mtls::checks {
namespace {

constexpr const char* kCheck = "requested_vs_required";

std::string asked_text(const probe::Outcome& o) {
  if (!o.handshake_done && !o.certificate_requested) return "";
  if (!o.certificate_requested) return "no CertificateRequest";
  if (o.acceptable_ca_names.empty()) return "CertificateRequest naming no CA";
  return fmt::format("CertificateRequest naming {}", fmt::join(o.acceptable_ca_names, "; "));
}

// The case of the scenario that declares anonymous clients welcome, if any.
const scenario::Case* anonymous_allowed(const scenario::Scenario& s) {
  for (const auto& c : s.cases)
    if (c.skip.empty() && scenario::sends_no_certificate(c.identity) && c.expect.kind == scenario::ExpectKind::accept)
      return &c;
  return nullptr;
}

std::string where_mode(const scenario::Scenario& s) {
  return s.target.config.empty() ? fmt::format("[target] verify = \"{}\"", scenario::to_string(s.target.verify))
                                 : fmt::format("{}: verify {}", s.target.config.filename().string(),
                                               scenario::to_string(s.target.verify));
}

report::CaseResult one_version(const Context& ctx, scenario::TlsVersion version) {
  Probe p;
  p.version = version;
  const auto name = fmt::format("{}: a client without a certificate", kCheck);
  auto probed = run_probe(ctx, p);
  const auto& o = probed.outcome;
  report::Verdict v;
  v.observed = probe::classify(o);
  const auto asked = asked_text(o);
  v.observed_text = (asked.empty() ? "" : asked + "; ") + cases::describe(o);
  scenario::Case shown;
  if (probed.backend) v.observed_text += "; " + cases::backend_text(*probed.backend, shown);
  const auto mode = ctx.s.target.verify;
  const bool off = mode == scenario::VerifyMode::off;
  v.expected_text = off ? "no CertificateRequest" : mode == scenario::VerifyMode::required
                                                       ? "a CertificateRequest, and the client refused"
                                                       : "a CertificateRequest; the client not let through to the backend";
  const bool refused = v.observed != report::Observed::accepted;
  const bool reached = probed.backend ? probed.backend->reached : !refused;
  const auto tls = scenario::to_string(version);
  auto fail = [&](std::string why) {
    v.status = report::Status::fail;
    v.message = fmt::format("{} [TLS {}]: {}", name, tls, why);
  };
  v.status = report::Status::pass;
  if (v.observed == report::Observed::version_not_offered || v.observed == report::Observed::tcp_failure ||
      v.observed == report::Observed::client_error || v.observed == report::Observed::target_misbehaved) {
    v.status = v.observed == report::Observed::version_not_offered ? report::Status::skipped : report::Status::error;
    v.message = fmt::format("{} [TLS {}]: {}", name, tls, v.observed_text);
  } else if (off) {
    if (o.certificate_requested) fail("the gateway asks for a client certificate although " + where_mode(ctx.s) + " says it does not");
  } else if (!o.certificate_requested && o.handshake_done) {
    fail(fmt::format("the gateway never asked for a client certificate, although {} says it does; every case "
                     "that presents one tested nothing",
                     where_mode(ctx.s)));
  } else if (mode == scenario::VerifyMode::required && !refused) {
    fail(fmt::format("the gateway requests a certificate but does not require it: a client without one was "
                     "answered ({}); {} says required",
                     v.observed_text, where_mode(ctx.s)));
  } else if (mode != scenario::VerifyMode::required && reached && !anonymous_allowed(ctx.s)) {
    const auto* verify = probed.backend ? probed.backend->header("X-Client-Verify") : nullptr;
    fail(fmt::format("the gateway only requests a certificate ({}) and a client without one reached the backend{}: "
                     "the application must refuse it, or the gateway must require the certificate (or refuse "
                     "an unverified client itself); a case with identity = \"none\" and expect = \"accept\" "
                     "declares anonymous access intended",
                     where_mode(ctx.s), verify ? fmt::format(" with X-Client-Verify: {}", *verify) : ""));
  }
  return row(kCheck, name, p, std::move(probed), std::move(v));
}

}  // namespace

std::vector<report::CaseResult> requested_vs_required(const Context& ctx) {
  std::vector<report::CaseResult> out;
  for (auto v : ctx.s.target.tls_versions) {
    if (ctx.stop && ctx.stop->load()) break;
    out.push_back(one_version(ctx, v));
  }
  return out;
}

}  // namespace mtls::checks
