// refusals_logged: every refusal of a launched gateway must be in its own log, with the
// verification result, or nobody can tell a revoked client from a broken CA file when it
// happens for real. Read from the log lines each case's probe left (CaseResult::gateway_log).
#include <fmt/format.h>

#include "checks/kinds.hpp"
#include "target/gateway_log.hpp"

namespace mtls::checks {
namespace {

constexpr const char* kCheck = "refusals_logged";

std::string fix(const std::string& gateway) {
  if (gateway == "nginx")
    return "nginx logs refused client certificates at level info: write error_log FILE info; (the default level, "
           "error, hides them)";
  if (gateway == "apache") return "httpd logs certificate verification at ssl:info: write LogLevel warn ssl:info";
  if (gateway == "haproxy")
    return "log the frontend (log global, option httplog, no option dontlognull) and add %[ssl_c_verify] to its "
           "log-format or error-log-format";
  if (gateway == "caddy")
    return "Caddy logs refused handshakes (\"http: TLS handshake error\") at level DEBUG only: write log { level "
           "DEBUG } in the global options";
  return "log every refused client with the verification result";
}

bool refused(const report::CaseResult& r) {
  if (!r.check.empty()) return false;
  switch (r.verdict.status) {
    case report::Status::pass:
    case report::Status::fail:
    case report::Status::inconclusive:
      break;
    default:
      return false;
  }
  switch (r.verdict.observed) {
    case report::Observed::refused_tls:
    case report::Observed::refused_http:
    case report::Observed::answered_http_error:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::vector<report::CaseResult> refusals_logged(const Context& ctx, const std::vector<report::CaseResult>& cases) {
  std::vector<report::CaseResult> out;
  const auto label = target::log_label(ctx.gateway);
  for (auto version : ctx.s.target.tls_versions) {
    std::vector<std::string> logged, unlogged, no_reason;
    for (const auto& r : cases) {
      if (r.version != version || !refused(r)) continue;
      std::string reason;
      bool found = false;
      for (const auto& line : r.gateway_log)
        if (target::client_refusal_line(ctx.gateway, line)) {
          found = true;
          if (reason.empty()) reason = target::refusal_reason(line);
        }
      if (!found) unlogged.push_back(r.case_name);
      else if (reason.empty()) no_reason.push_back(r.case_name);
      else logged.push_back(fmt::format("{} {}", r.case_name, reason));
    }
    const auto total = logged.size() + unlogged.size() + no_reason.size();
    if (total == 0) continue;
    Probe p;
    p.version = version;
    report::Verdict v;
    v.observed = report::Observed::refused_http;
    v.expected_text = fmt::format("every refused case in the {} with its verification result", label);
    v.observed_text = fmt::format("{} of {} logged with a reason{}", logged.size(), total,
                                  logged.empty() ? "" : fmt::format(": {}", fmt::join(logged, "; ")));
    const auto name = fmt::format("{}: {} refused case(s) in the {}", kCheck, total, label);
    if (unlogged.empty() && no_reason.empty()) {
      v.status = report::Status::pass;
    } else {
      v.status = report::Status::fail;
      std::vector<std::string> parts;
      if (!unlogged.empty()) parts.push_back(fmt::format("not logged at all: {}", fmt::join(unlogged, ", ")));
      if (!no_reason.empty()) parts.push_back(fmt::format("logged without the verification result: {}", fmt::join(no_reason, ", ")));
      v.message = fmt::format("{} [TLS {}]: {}; fix: {}", name, scenario::to_string(version), fmt::join(parts, "; "),
                              fix(ctx.gateway));
    }
    out.push_back(row(kCheck, name, p, Probed{}, std::move(v)));
  }
  return out;
}

}  // namespace mtls::checks
