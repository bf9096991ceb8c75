#include "cases/runner.hpp"

#include <atomic>
#include <fmt/core.h>
#include <unistd.h>
#include <map>
#include <stdexcept>

#include "cases/backend_check.hpp"
#include "cases/presented.hpp"
#include "cases/request.hpp"
#include "probe/probe.hpp"

namespace mtls::cases {
namespace {

// Read once per identity: the CA names above each presented certificate.
std::map<std::string, PresentedIdentity> presented_identities(const pki::Fixtures& f) {
  std::map<std::string, PresentedIdentity> out;
  for (const auto& files : f.identities)
    if (auto p = presented_identity(files)) out.emplace(files.name, std::move(*p));
  return out;
}

}  // namespace

std::vector<CaseResult> run_cases(const scenario::Scenario& s, const pki::Fixtures& f,
                                  const target::Endpoint& ep, const RunOptions& opts) {
  std::vector<CaseResult> out;
  const auto presented = presented_identities(f);
  // A TLS version the gateway refused with protocol_version: said once, not probed again.
  std::map<scenario::TlsVersion, std::string> not_offered;
  for (const auto& c : s.cases) {
    const auto* identity = s.find_identity(c.identity);
    const auto fault = identity ? identity->fault : scenario::Fault::none;
    const auto it = presented.find(c.identity);
    const PresentedIdentity* shown = it == presented.end() ? nullptr : &it->second;
    for (auto v : c.tls_versions) {
      if (opts.stop && opts.stop->load()) return out;
      CaseResult r;
      r.case_name = c.name;
      r.identity = c.identity;
      r.fault = fault;
      r.version = v;
      if (!c.skip.empty()) {
        r.verdict = skipped(c);
      } else if (auto nv = not_offered.find(v); nv != not_offered.end()) {
        r.verdict = version_not_offered(c, nv->second);
      } else {
        const auto id = next_request_id();
        r.outcome = probe::run(request_for(c, f, ep, v, s.target.timeout_ms, id));
        // The gateway answers only after its upstream did: the record is there by now.
        if (opts.backend_seen) r.backend = opts.backend_seen(id).value_or(report::BackendSeen{});
        r.verdict = judge(Judged{c, v, fault, opts.profile, s.target.verify, shown,
                                 r.backend ? &*r.backend : nullptr},
                          r.outcome);
        if (r.backend) r.verdict = checked_against_backend(std::move(r.verdict), c, v, *r.backend);
        if (const auto* a = version_refusal(r.outcome))
          not_offered[v] = fmt::format("the gateway does not offer TLS {} ({} alert)",
                                       scenario::to_string(v), a->name);
        const bool refused = classify(r.outcome) != Observed::accepted;
        r.verdict = checked_against_log(std::move(r.verdict), c.name, v,
                                        refused && opts.internal_error_since_last_refusal
                                            ? opts.internal_error_since_last_refusal
                                            : opts.internal_error_since_last_probe);
        if (opts.probe_log_lines) r.gateway_log = opts.probe_log_lines();
      }
      if (opts.on_result) opts.on_result(r);
      out.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace mtls::cases
