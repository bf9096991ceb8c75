#include "cases/runner.hpp"

#include <stdexcept>

#include "probe/probe.hpp"

namespace mtls::cases {
namespace {

probe::Request request_for(const scenario::Case& c, const pki::Fixtures& f,
                           const target::Endpoint& ep, scenario::TlsVersion v, long timeout_ms) {
  probe::Request r;
  r.url = ep.url(c.path);
  r.connect_host = ep.host;
  r.connect_port = ep.port;
  r.trust = ep.trust.string();
  r.version = v;
  r.timeout_ms = timeout_ms;
  if (c.identity != "none") {
    const auto* files = f.find(c.identity);
    if (!files) throw std::runtime_error("case " + c.name + ": no fixture files for identity " + c.identity);
    r.client = tlsclient::credentials_for(*files);
  }
  return r;
}

}  // namespace

std::vector<CaseResult> run_cases(const scenario::Scenario& s, const pki::Fixtures& f,
                                  const target::Endpoint& ep, const RunOptions& opts) {
  std::vector<CaseResult> out;
  for (const auto& c : s.cases) {
    const auto* identity = s.find_identity(c.identity);
    const auto fault = identity ? identity->fault : scenario::Fault::none;
    for (auto v : c.tls_versions) {
      if (opts.stop && opts.stop->load()) return out;
      CaseResult r;
      r.case_name = c.name;
      r.identity = c.identity;
      r.fault = fault;
      r.version = v;
      if (!c.skip.empty()) {
        r.verdict = skipped(c);
      } else {
        r.outcome = probe::run(request_for(c, f, ep, v, s.target.timeout_ms));
        r.verdict = judge(Judged{c, v, fault, opts.profile}, r.outcome);
        r.verdict = checked_against_log(std::move(r.verdict), c.name, v,
                                        opts.internal_error_since_last_probe);
      }
      if (opts.on_result) opts.on_result(r);
      out.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace mtls::cases
