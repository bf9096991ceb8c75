// summary.md: the run in Markdown, for CI job summaries (GitHub's $GITHUB_STEP_SUMMARY) and
// pull-request comments. Failures first; passing cases folded away.
#include <fmt/format.h>

#include "report/report.hpp"
#include "report/views.hpp"

namespace mtls::report {
namespace {

const char* badge(Status s) {
  switch (s) {
    case Status::pass: return "✅ pass";
    case Status::fail: return "❌ fail";
    case Status::error: return "⚠️ error";
    case Status::inconclusive: return "❔ inconclusive";
    case Status::not_checkable: return "🚫 not checkable";
    case Status::skipped: return "⏭️ skipped";
  }
  return "";
}

void case_table(std::string& out, const std::vector<const CaseResult*>& cases) {
  out += "| case | TLS | expected | observed | verdict |\n|---|---|---|---|---|\n";
  for (const auto* c : cases)
    out += fmt::format("| {} | {} | {} | {} | {} |\n", markdown_escape(c->case_name),
                       scenario::to_string(c->version), markdown_escape(c->verdict.expected_text),
                       markdown_escape(c->verdict.observed_text), badge(c->verdict.status));
}

void phase_section(std::string& out, const PhaseResult& p) {
  const bool gates_ok = p.gates_pass();
  out += fmt::format("\n### Load phase {}{}\n\n", markdown_escape(p.name),
                     p.gates.empty() ? "" : gates_ok ? " ✅" : " ❌");
  const auto& c = p.counts;
  out += fmt::format(
      "{} loop, {} threads, {:.2f} s measured{}: {} handshakes ({} full, {} resumed, {} failed), "
      "**{:.1f} handshakes/s**, errors {} ({:.2f} %), CPU per handshake: client {}, target {}\n\n",
      p.mode, p.threads, p.measured_s, p.partial ? " (**partial**: " + p.stop_reason + ")" : "",
      c.handshake_attempts(), c.handshakes_full, c.handshakes_resumed, c.handshakes_failed,
      p.handshakes_per_s(), p.errors.total(), 100 * p.error_rate(),
      format_us_per_handshake(p.cpu.client_us_per_handshake),
      format_us_per_handshake(p.cpu.target_us_per_handshake));
  out += "| latency (ms) | count | min |";
  for (const auto& [q, label] : kTablePercentiles) out += fmt::format(" {} |", label);
  out += " max |\n|---|--:|--:|";
  for (std::size_t i = 0; i < kTablePercentiles.size(); ++i) out += "--:|";
  out += "--:|\n";
  for (const auto& row : latency_rows(p)) {
    const auto& h = *row.hist;
    if (h.count() == 0) continue;
    out += fmt::format("| {} | {} | {} |", row.label, h.count(), format_ms(h.min()));
    for (const auto& [q, label] : kTablePercentiles) out += " " + format_ms(h.percentile(q)) + " |";
    out += " " + format_ms(h.max()) + " |\n";
  }
  if (p.phase.resumption != scenario::Resumption::none) {
    const auto& z = p.resumption;
    out += fmt::format(
        "\nResumption ({}): offered {}, accepted {} ({:.1f} %), tickets received {}; "
        "identity on resumed connections: kept {}, lost {}, changed {}\n",
        scenario::to_string(p.phase.resumption), z.offered, z.accepted, 100 * z.accepted_ratio(),
        z.tickets_received, z.identity_kept, z.identity_lost, z.identity_changed);
  }
  if (p.errors.total() > 0) {
    out += "\nErrors:";
    for (const auto& [k, n] : p.errors.all()) out += fmt::format(" `{}` {};", k, n);
    out += "\n";
  }
  if (!p.gates.empty()) {
    out += "\n| gate | limit | measured | result |\n|---|--:|--:|---|\n";
    for (const auto& g : p.gates)
      out += fmt::format("| {} | {} | {} | {} |\n", markdown_escape(g.name),
                         g.limit_text.empty() ? fmt::format("{:g}", g.limit) : markdown_escape(g.limit_text),
                         !g.measured_text.empty() ? markdown_escape(g.measured_text)
                         : g.measured             ? fmt::format("{:.4g}", *g.measured)
                                                  : "not measured",
                         g.pass ? "✅ pass" : "❌ fail");
  }
}

}  // namespace

std::string markdown_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '\n':
      case '\r': out += ' '; break;
      case '\\': case '`': case '*': case '_': case '[': case ']': case '<': case '>':
      case '|': case '#':
        out += '\\';
        out += ch;
        break;
      default: out += ch;
    }
  }
  return out;
}

std::string to_markdown(const Report& r) {
  const auto s = r.summary();
  const int code = r.exit_code();
  std::string out = fmt::format("## {} mtls-harness: {}\n\n", code == 0 ? "✅" : "❌",
                                markdown_escape(r.meta.scenario_name));
  const auto counts = verdict_counts(s);
  out += fmt::format("**{}** of {} case × TLS version checks", counts.substr(0, counts.rfind(" of ")),
                     s.total);
  if (!r.phases.empty())
    out += fmt::format("; {} load phase{}, {} gate{} failed", r.phases.size(),
                       r.phases.size() == 1 ? "" : "s", r.gates_failed(),
                       r.gates_failed() == 1 ? "" : "s");
  out += fmt::format(". Exit code {}.\n\n", code);
  if (r.meta.partial)
    out += fmt::format("> **Partial run**: {}\n\n", markdown_escape(r.meta.partial_reason));
  out += fmt::format("Target: {} · profile {} · {} · harness {} · {:.0f} ms\n",
                     markdown_escape(r.meta.target), markdown_escape(r.meta.profile),
                     markdown_escape(r.meta.openssl_version),
                     markdown_escape(r.meta.harness_version), r.meta.duration_ms);

  for (const auto& n : client_ca_names(r.cases)) {
    const auto v = scenario::to_string(n.version);
    if (!n.requested) out += fmt::format("\nClient CAs (TLS {}): the gateway never asked for a client certificate\n", v);
    else if (n.names.empty()) out += fmt::format("\nClient CAs (TLS {}): the gateway names none; fault cases are judged on the refusal alone\n", v);
    else out += fmt::format("\nClient CAs (TLS {}): {}\n", v, markdown_escape(fmt::format("{}", fmt::join(n.names, "; "))));
  }

  std::vector<const CaseResult*> failing, rest;
  for (const auto& row : case_rows_failing_first(r))
    for (const auto* c : row.cells) (is_failure(c->verdict.status) ? failing : rest).push_back(c);
  if (!failing.empty()) {
    out += "\n### Mismatches\n\n";
    for (const auto* c : failing) out += "- " + markdown_escape(c->verdict.message) + "\n";
    out += "\n";
    case_table(out, failing);
  }
  if (!rest.empty()) {
    out += fmt::format("\n<details><summary>{} other checks</summary>\n\n", rest.size());
    case_table(out, rest);
    out += "\n</details>\n";
  }
  for (const auto& p : r.phases) phase_section(out, p);
  return out;
}

}  // namespace mtls::report
