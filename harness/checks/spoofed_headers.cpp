// spoofed_identity_headers: a valid client and an anonymous one each send forged values of
// every identity header the gateway sets (or the scenario lists); the backend must see the
// gateway's values or none, never the client's.
#include <algorithm>
#include <fmt/format.h>

#include "cases/backend_check.hpp"
#include "cases/verdict.hpp"
#include "checks/kinds.hpp"

namespace mtls::checks {
namespace {

constexpr const char* kCheck = "spoofed_identity_headers";
// In every forged value, so no gateway value can be mistaken for one.
constexpr const char* kMark = "forged-by-mtls-harness";

bool names_verify(const std::string& h) {
  std::string n = h;
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return n.find("verify") != std::string::npos;
}

// An anonymous client claims success outright (what an attacker sends); a valid one claims
// to be someone else. Both carry the mark except the bare "SUCCESS" claim, which only a
// gateway confused about a client without a certificate could pass on.
std::string forged_value(const std::string& header, bool anonymous) {
  if (anonymous && names_verify(header)) return "SUCCESS";
  return fmt::format("CN=admin,O={}", kMark);
}

// The config line that should have overwritten `header` on the forwarded request, or what
// the config does with it instead.
std::string config_story(const scenario::Scenario& s, const std::string& header) {
  std::string request, response;
  for (const auto& h : s.checks.config_headers) {
    if (!iequal(h.name, header)) continue;
    (h.to_backend ? request : response) = h.where;
  }
  if (!request.empty())
    return fmt::format("{} should overwrite it, but does not apply to this request", request);
  if (!response.empty()) return fmt::format("the config sets it only on the answer ({}), never on the forwarded request", response);
  return "the config never sets it on the forwarded request";
}

// `like`: the case whose path and Host the probe uses (the valid client's); `identity` "none"
// for the anonymous client.
report::CaseResult one_client(const Context& ctx, const std::vector<std::string>& names, const scenario::Case* like,
                              const std::string& identity) {
  const bool anonymous = identity == "none";
  Probe p;
  p.identity = identity;
  if (like) {
    p.path = like->path;
    p.host = like->host;
  }
  p.version = newest_version(ctx.s);
  for (const auto& n : names) p.headers.emplace_back(n, forged_value(n, anonymous));
  const auto name = fmt::format("{}: {} sends forged {}", kCheck,
                                anonymous ? "a client without a certificate" : "valid client '" + identity + "'",
                                fmt::join(names, ", "));
  auto probed = run_probe(ctx, p);
  report::Verdict v;
  v.observed = probe::classify(probed.outcome);
  v.expected_text = "the backend sees the gateway's identity headers, or none, never the client's";
  scenario::Case shown;
  shown.headers = p.headers;
  v.observed_text = cases::describe(probed.outcome) + "; " + cases::backend_text(*probed.backend, shown);
  const auto& seen = *probed.backend;
  std::vector<std::string> problems;
  if (seen.reached)
    for (const auto& [h, forged] : p.headers)
      for (const auto& [n, value] : seen.headers) {
        if (!iequal(n, h)) continue;
        if (value == forged || value.find(kMark) != std::string::npos) {
          problems.push_back(fmt::format("the backend received the client's forged {}: '{}' ({}; fix: {})", h, value,
                                         config_story(ctx.s, h),
                                         header_fix(scenario::to_string(ctx.s.target.kind), h)));
          break;
        }
      }
  if (!problems.empty()) {
    v.status = report::Status::fail;
    v.message = fmt::format("{} [TLS {}]: {}", name, scenario::to_string(p.version), fmt::join(problems, "; "));
  } else if (!anonymous && !seen.reached) {
    // The scenario expects this identity accepted: the cases say why it was not; no answer here.
    v.status = report::Status::error;
    v.message = fmt::format("{} [TLS {}]: the valid client did not reach the backend ({}), so nothing shows what "
                            "the gateway forwards; see the case that presents '{}'",
                            name, scenario::to_string(p.version), v.observed_text, identity);
  } else {
    v.status = report::Status::pass;
  }
  return row(kCheck, name, p, std::move(probed), std::move(v));
}

}  // namespace

std::vector<report::CaseResult> spoofed_identity_headers(const Context& ctx) {
  const auto names = identity_header_names(ctx.s);
  std::vector<report::CaseResult> out;
  const auto* valid = valid_case(ctx.s);
  if (valid) out.push_back(one_client(ctx, names, valid, valid->identity));
  out.push_back(one_client(ctx, names, valid, "none"));
  return out;
}

}  // namespace mtls::checks
