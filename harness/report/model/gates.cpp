#include <algorithm>
#include <fmt/format.h>
#include <stdexcept>
#include <nlohmann/json.hpp>

#include "report/model/gates.hpp"
#include "measure/histogram_json.hpp"

namespace mtls::report {
namespace {

struct GateRow {
  const char* name;
  std::optional<double> scenario::Gates::*limit;
  bool at_most;  // measured <= limit passes; otherwise measured >= limit
  std::optional<double> (*measure)(const PhaseResult&);
};

std::optional<double> p99_full_ms(const PhaseResult& r) {
  if (r.handshake_full.count() == 0) return std::nullopt;
  return measure::ns_to_ms(r.handshake_full.percentile(0.99));
}
std::optional<double> error_rate(const PhaseResult& r) { return r.error_rate(); }
std::optional<double> rate(const PhaseResult& r) { return r.handshakes_per_s(); }
std::optional<double> resumed(const PhaseResult& r) { return r.resumption.accepted_ratio(); }
std::optional<double> client_cpu(const PhaseResult& r) { return r.cpu.client_us_per_handshake; }
std::optional<double> target_cpu(const PhaseResult& r) { return r.cpu.target_us_per_handshake; }

// One row per gate key: the same table serves evaluation, JSON and JUnit names.
constexpr GateRow kGates[] = {
    {"handshake_p99_ms", &scenario::Gates::handshake_p99_ms, true, p99_full_ms},
    {"error_rate_max", &scenario::Gates::error_rate_max, true, error_rate},
    {"handshakes_per_s_min", &scenario::Gates::handshakes_per_s_min, false, rate},
    {"resumed_ratio_min", &scenario::Gates::resumed_ratio_min, false, resumed},
    {"client_cpu_us_per_handshake_max", &scenario::Gates::client_cpu_us_per_handshake_max, true,
     client_cpu},
    {"target_cpu_us_per_handshake_max", &scenario::Gates::target_cpu_us_per_handshake_max, true,
     target_cpu},
};

// revoked_resume = "refused" | "gets_in", against the check run after the phase. A check
// that could not run (no CRL to push, nothing to revoke) fails the gate with its reason.
GateVerdict revoked_resume_gate(const std::string& wanted, const PhaseResult& r) {
  GateVerdict v;
  v.name = "revoked_resume";
  v.limit_text = wanted;
  const auto& c = r.revoked_resume;
  const std::string seen = c ? c->outcome : "not_checked";
  v.measured_text = seen;
  v.pass = seen == wanted;
  const std::string how = scenario::to_string(r.phase.resumption);
  if (c && (seen == "refused" || seen == "gets_in")) {
    std::string when = seen == "refused" && c->revocation_effective_ms > 0
                           ? fmt::format(", {:.2f} s after the CRL push", c->revocation_effective_ms / 1000)
                           : "";
    v.text = fmt::format("revoked_resume = {}: a revoked client resuming by {} {}{} — {} ({})",
                         wanted, how, seen == "refused" ? "is refused" : "GETS IN", when, c->detail,
                         v.pass ? "pass" : "FAIL");
  } else {
    v.text = fmt::format("revoked_resume = {}: not checked — {} (FAIL)", wanted,
                         c ? c->detail : "the check did not run");
  }
  return v;
}

const char* implicit_note(const scenario::Gates& g, const GateRow& row) {
  return g.implicit_error_rate && row.limit == &scenario::Gates::error_rate_max
             ? " (implicit: the phase sets no [load.gates]; refusals owed to faulty identities "
               "are not errors)"
             : "";
}

// Not a limit anyone sets: a phase whose mix holds an identity the gateway must refuse fails
// when that identity got in, whatever its gates say; and an identity owed a refusal none of
// whose connections ended in the window was not tested, so the verdict cannot pass on it.
std::optional<GateVerdict> must_refuse_verdict(const PhaseResult& r) {
  std::string let_in, untested;
  std::uint64_t wrongly = 0, owed = 0;
  bool any = false;
  for (const auto& id : r.identities) {
    if (!id.must_refuse) continue;
    any = true;
    const auto ended = id.refused_as_expected + id.wrongly_accepted + id.unexpected_errors;
    owed += ended;
    if (ended == 0) untested += (untested.empty() ? "" : ", ") + id.name;
    if (id.wrongly_accepted == 0) continue;
    wrongly += id.wrongly_accepted;
    let_in += fmt::format("{}{} got in {} times (it must be {})", let_in.empty() ? "" : "; ",
                          id.name, id.wrongly_accepted, id.expect);
  }
  if (!any) return std::nullopt;
  GateVerdict v;
  v.name = "must_refuse";
  v.limit = 0;
  v.measured = static_cast<double>(wrongly);
  v.pass = wrongly == 0 && untested.empty();
  if (wrongly > 0)
    v.text = fmt::format("must_refuse: {} — a security failure (FAIL)", let_in);
  else if (!untested.empty())
    v.text = fmt::format("must_refuse: not tested for {}: none of its connections ended in the "
                         "window; give it more weight or the phase more time (FAIL)", untested);
  else
    v.text = fmt::format("must_refuse: no identity the gateway must refuse got in ({} of their "
                         "connections ended in the window) (pass)", owed);
  return v;
}

}  // namespace

std::vector<GateVerdict> evaluate_gates(const scenario::Gates& gates, const PhaseResult& r) {
  std::vector<GateVerdict> out;
  for (const auto& row : kGates) {
    const auto& limit = gates.*(row.limit);
    if (!limit) continue;
    GateVerdict v;
    v.name = row.name;
    v.limit = *limit;
    v.measured = row.measure(r);
    const char* op = row.at_most ? "<=" : ">=";
    if (v.measured) {
      v.pass = row.at_most ? *v.measured <= *limit : *v.measured >= *limit;
      v.text = fmt::format("{} {} {:g}{}: measured {:.4g} ({})", v.name, op, v.limit,
                           implicit_note(gates, row), *v.measured, v.pass ? "pass" : "FAIL");
    } else {
      v.pass = false;  // a gate that cannot be checked must not pass silently
      v.text = fmt::format("{} {} {:g}{}: not measured in this phase (FAIL)", v.name, op, v.limit,
                           implicit_note(gates, row));
    }
    out.push_back(std::move(v));
  }
  if (gates.revoked_resume) out.push_back(revoked_resume_gate(*gates.revoked_resume, r));
  if (auto v = must_refuse_verdict(r)) out.push_back(std::move(*v));
  return out;
}

nlohmann::json gate_limits_json(const scenario::Gates& g) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& row : kGates)
    if (const auto& limit = g.*(row.limit)) out[row.name] = *limit;
  if (g.revoked_resume) out["revoked_resume"] = *g.revoked_resume;
  if (g.implicit_error_rate) out["implicit_error_rate"] = true;
  return out;
}

scenario::Gates gate_limits_from_json(const nlohmann::json& j) {
  scenario::Gates g;
  for (const auto& [key, value] : j.items()) {
    if (key == "implicit_error_rate") {
      g.implicit_error_rate = value.get<bool>();
      continue;
    }
    if (key == "revoked_resume") {
      const auto answer = value.get<std::string>();
      if (answer != "refused" && answer != "gets_in")
        throw std::invalid_argument("gates: revoked_resume '" + answer + "' is not refused or gets_in");
      g.revoked_resume = answer;
      continue;
    }
    const GateRow* row = nullptr;
    for (const auto& r : kGates)
      if (key == r.name) row = &r;
    if (!row) throw std::invalid_argument("gates: unknown gate '" + key + "'");
    g.*(row->limit) = value.get<double>();
  }
  return g;
}

std::string gate_line(const PhaseResult& r) {
  if (r.gates.empty()) return "gates: none";
  std::string line = "gates:";
  for (std::size_t i = 0; i < r.gates.size(); ++i)
    line += (i ? "; " : " ") + r.gates[i].text;
  return line;
}

}  // namespace mtls::report
