// sni_host_mismatch: a gateway picks its client-certificate settings by the SNI name of the
// handshake, but may route the request by its Host header. A client without a certificate
// that says a public name in SNI and a protected one in Host must be refused (421, 400, 403)
// and must not reach the backend.
#include <fmt/format.h>

#include "cases/backend_check.hpp"
#include "cases/verdict.hpp"
#include "checks/kinds.hpp"

namespace mtls::checks {
namespace {

constexpr const char* kCheck = "sni_host_mismatch";
constexpr std::size_t kMaxNames = 4;  // each way: at most 16 probes

std::string fix(scenario::TargetKind kind) {
  switch (kind) {
    case scenario::TargetKind::caddy:
      return "remove strict_sni_host insecure_off (Caddy refuses a Host other than the SNI name by default when "
             "client_auth is on), or put the names on separate ports";
    case scenario::TargetKind::nginx:
      return "give every server block on this port the same ssl_verify_client, or serve the public name on its "
             "own port";
    case scenario::TargetKind::apache:
      return "keep SSLStrictSNIVHostCheck and per-VirtualHost SSLVerifyClient, or serve the public name on its "
             "own port";
    default:
      return "refuse a request whose Host differs from the SNI name (421 Misdirected Request), or serve the "
             "public name on its own port";
  }
}

report::CaseResult one_pair(const Context& ctx, const std::string& open, const std::string& protected_name) {
  Probe p;
  p.sni = open;
  p.host = protected_name;
  p.version = newest_version(ctx.s);
  const auto name = fmt::format("{}: SNI '{}' + Host '{}' without a certificate", kCheck, open, protected_name);
  auto probed = run_probe(ctx, p);
  report::Verdict v;
  v.observed = probe::classify(probed.outcome);
  v.expected_text = "refused (421, 400 or 403, or at TLS), the backend not reached";
  v.observed_text = cases::describe(probed.outcome);
  scenario::Case shown;
  if (probed.backend) v.observed_text += "; " + cases::backend_text(*probed.backend, shown);
  const bool reached = probed.backend && probed.backend->reached;
  const bool answered = v.observed == report::Observed::accepted;
  switch (v.observed) {
    case report::Observed::tcp_failure:
    case report::Observed::client_error:
    case report::Observed::target_misbehaved:
      v.status = report::Status::error;
      v.message = fmt::format("{} [TLS {}]: the probe failed for reasons of its own: {}", name,
                              scenario::to_string(p.version), v.observed_text);
      break;
    default:
      if (reached || (!probed.backend && answered)) {
        v.status = report::Status::fail;
        v.message = fmt::format("{} [TLS {}]: mTLS bypass: SNI '{}' + Host '{}' {} without a client certificate "
                                "({}); fix: {}",
                                name, scenario::to_string(p.version), open, protected_name,
                                reached ? "reached the backend" : "was answered", v.observed_text,
                                fix(ctx.s.target.kind));
      } else {
        v.status = report::Status::pass;
      }
  }
  return row(kCheck, name, p, std::move(probed), std::move(v));
}

}  // namespace

std::vector<report::CaseResult> sni_host_mismatch(const Context& ctx) {
  const auto named = sites(ctx.s);
  std::vector<report::CaseResult> out;
  for (std::size_t i = 0; i < named.open.size() && i < kMaxNames; ++i)
    for (std::size_t j = 0; j < named.protected_.size() && j < kMaxNames; ++j) {
      if (ctx.stop && ctx.stop->load()) return out;
      out.push_back(one_pair(ctx, named.open[i], named.protected_[j]));
    }
  return out;
}

}  // namespace mtls::checks
