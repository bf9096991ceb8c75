// One load phase: what it was, its gates, its charts, and the tables behind the charts.
#include <algorithm>
#include <fmt/format.h>
#include <optional>
#include <nlohmann/json.hpp>

#include "report/html/escape.hpp"
#include "report/html/parts.hpp"
#include "report/views.hpp"

namespace mtls::report::html {
namespace {

std::string shape(const PhaseResult& p) {
  const auto& ph = p.phase;
  std::string identities;
  for (const auto& w : ph.identities)
    identities += (identities.empty() ? "" : ", ") + w.identity +
                  (ph.identities.size() > 1 ? fmt::format(" ×{}", w.weight) : "");
  std::string load = p.mode == "open" ? fmt::format("{:g} new connections/s", ph.rate)
                                      : fmt::format("{} connections", ph.connections);
  return fmt::format("{} loop, {}, TLS {}, identity {}, {} request{} per connection, resumption {}, "
                     "{} threads, {:.2f} s measured",
                     p.mode, load, scenario::to_string(ph.tls_version), identities,
                     ph.requests_per_connection, ph.requests_per_connection == 1 ? "" : "s",
                     scenario::to_string(ph.resumption), p.threads, p.measured_s);
}

std::string counts_table(const PhaseResult& p, int n) {
  const auto& c = p.counts;
  std::string out = fmt::format(R"(<dl class="facts" id="phase-{}-counts">)", n);
  auto fact = [&](const char* term, const std::string& value) {
    out += fmt::format("<div><dt>{}</dt><dd>{}</dd></div>", term, escape(value));
  };
  fact("handshakes/s", fmt::format("{:.1f}", p.handshakes_per_s()));
  if (p.client) fact("client", p.client->describe());
  fact("handshakes", fmt::format("{} full, {} resumed, {} failed", c.handshakes_full,
                                 c.handshakes_resumed, c.handshakes_failed));
  fact("connections", fmt::format("{} ok, {} failed, {} aborted", c.connections_ok,
                                  c.connections_failed, c.connections_aborted));
  fact("error rate", fmt::format("{:.2f} %", 100 * p.error_rate()));
  fact("requests", fmt::format("{} sent, {} 2xx", c.requests, c.responses_2xx));
  fact("CPU per handshake", "client " + format_us_per_handshake(p.cpu.client_us_per_handshake) +
                                ", target " + format_us_per_handshake(p.cpu.target_us_per_handshake) +
                                " (" + p.cpu.target_source + ")");
  if (c.warmup_connections > 0 || c.arrivals_missed > 0)
    fact("not counted", fmt::format("{} warm-up connections, {} missed arrivals",
                                    c.warmup_connections, c.arrivals_missed));
  if (p.phase_s > 0)
    fact("timing", fmt::format("{:.2f} s in all: warm-up {:g} s, window {:.2f} s, drain {:.2f} s "
                               "(at most {:g} s)", p.phase_s, p.phase.warmup_s, p.measured_s,
                               p.drain.seconds, p.drain.limit_s));
  if (const auto& d = p.drain.counts; d.connections > 0)
    fact("after the window", fmt::format("{} connections ended in the drain ({} ok, {} failed, {} "
                                         "cut off): in no figure of this phase",
                                         d.connections, d.connections_ok, d.connections_failed,
                                         d.connections_aborted));
  return out + "</dl>";
}

// What each identity of the mix met against what it should have met.
std::string identities_table(const PhaseResult& p, int n) {
  const bool judged = std::any_of(p.identities.begin(), p.identities.end(),
                                  [](const IdentityOutcome& o) { return o.must_refuse; });
  if (p.identities.size() < 2 && !judged) return "";
  std::string out = fmt::format(
      R"(<table class="identities" id="phase-{}-identities"><thead><tr><th>identity</th><th>expected</th><th class="num">accepted</th><th class="num">refused as expected</th><th class="num">got in wrongly</th><th class="num">unexpected errors</th></tr></thead><tbody>)",
      n);
  for (const auto& id : p.identities)
    out += fmt::format(R"(<tr class="{}"><th scope="row">{}</th><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>)",
                       id.wrongly_accepted > 0 ? "fail" : "pass", escape(id.name), escape(id.expect),
                       id.accepted, id.refused_as_expected, id.wrongly_accepted, id.unexpected_errors);
  return out + "</tbody></table>";
}

// Every counter the engine keeps, window and drain side by side: the list of
// measure/counters.hpp, so a new counter shows here without anyone adding it.
std::string every_counter_table(const PhaseResult& p, int n) {
  std::string out = fmt::format(
      R"(<details id="phase-{}-every-counter"><summary>every counter</summary><table class="counters"><thead><tr><th>counter</th><th>what it counts</th><th class="num">window</th><th class="num">drain</th></tr></thead><tbody>)",
      n);
  const auto row = [&](const char* name, const char* what, std::uint64_t window,
                       std::optional<std::uint64_t> drain) {
    out += fmt::format(R"(<tr><th scope="row">{}</th><td>{}</td><td class="num">{}</td><td class="num">{}</td></tr>)",
                       name, escape(what), window, drain ? std::to_string(*drain) : "—");
  };
#define MTLS_COUNT_ROW(name, what) row(#name, what, p.counts.name, p.drain.counts.name);
  MTLS_LOAD_COUNTS(MTLS_COUNT_ROW)
#undef MTLS_COUNT_ROW
#define MTLS_COUNT_ROW(name, what) row("resumption." #name, what, p.resumption.name, std::nullopt);
  MTLS_RESUMPTION_COUNTS(MTLS_COUNT_ROW)
#undef MTLS_COUNT_ROW
  return out + "</tbody></table></details>";
}

std::string gates_table(const PhaseResult& p, int n) {
  if (p.gates.empty()) return "";
  std::string out = fmt::format(
      R"(<table class="gates" id="phase-{}-gates"><thead><tr><th>gate</th><th class="num">limit</th><th class="num">measured</th><th>verdict</th></tr></thead><tbody>)",
      n);
  for (const auto& g : p.gates) {
    const char* verdict = g.pass ? "pass" : "fail";
    const std::string limit = g.limit_text.empty() ? fmt::format("{:g}", g.limit) : escape(g.limit_text);
    const std::string measured = !g.measured_text.empty() ? escape(g.measured_text)
                                 : g.measured             ? fmt::format("{:.4g}", *g.measured)
                                                          : "not measured";
    out += fmt::format(R"(<tr class="{}" title="{}"><td>{}</td><td class="num">{}</td><td class="num">{}</td><td><span class="badge {}">{}</span></td></tr>)",
                       verdict, escape(g.text), escape(g.name), limit, measured, verdict, verdict);
  }
  return out + "</tbody></table>";
}

std::string latency_table(const PhaseResult& p, int n) {
  std::string out = fmt::format(
      R"(<table class="latency" id="phase-{}-latency"><thead><tr><th>latency (ms)</th><th>count</th><th>min</th>)", n);
  for (const auto& [q, label] : kTablePercentiles) out += fmt::format("<th>{}</th>", label);
  out += "<th>max</th></tr></thead><tbody>";
  for (const auto& row : latency_rows(p)) {
    const auto& h = *row.hist;
    out += fmt::format(R"(<tr><th scope="row">{}</th><td class="num">{}</td>)", row.label, h.count());
    if (h.count() == 0) {
      out += fmt::format(R"(<td class="num" colspan="{}">—</td></tr>)", kTablePercentiles.size() + 2);
      continue;
    }
    out += fmt::format(R"(<td class="num">{}</td>)", format_ms(h.min()));
    for (const auto& [q, label] : kTablePercentiles)
      out += fmt::format(R"(<td class="num">{}</td>)", format_ms(h.percentile(q)));
    out += fmt::format(R"(<td class="num">{}</td></tr>)", format_ms(h.max()));
  }
  return out + "</tbody></table>";
}

std::string resumption_table(const PhaseResult& p, int n) {
  const auto& z = p.resumption;
  std::string out = fmt::format(R"(<dl class="facts" id="phase-{}-resumption">)", n);
  auto fact = [&](const char* term, const std::string& value) {
    out += fmt::format("<div><dt>{}</dt><dd>{}</dd></div>", term, escape(value));
  };
  fact("mode", fmt::format("{} (share {:g})", scenario::to_string(p.phase.resumption), p.phase.resumed_share));
  fact("offered → accepted", fmt::format("{} → {} ({:.1f} %)", z.offered, z.accepted, 100 * z.accepted_ratio()));
  fact("tickets received", fmt::format("{} ({} sessions saved)", z.tickets_received, z.sessions_saved));
  fact("server said resumed", fmt::format("{} ({} disagreements)", z.server_reported, z.disagreements));
  fact("identity on resumed", fmt::format("kept {}, lost {}, changed {}", z.identity_kept,
                                          z.identity_lost, z.identity_changed));
  return out + "</dl>";
}

std::string errors_table(const PhaseResult& p, int n) {
  if (p.errors.total() == 0) return fmt::format(R"(<p class="note" id="phase-{}-errors">No errors.</p>)", n);
  std::string out = fmt::format(
      R"(<table class="errors" id="phase-{}-errors"><thead><tr><th>error class</th><th>connections</th></tr></thead><tbody>)", n);
  for (const auto& [k, count] : p.errors.all())
    out += fmt::format(R"(<tr><td><code>{}</code></td><td class="num">{}</td></tr>)", escape(k), count);
  out += "</tbody></table>";
  // When errors began and ended matters as much as how many there were: the episodes.
  const auto episodes = p.events.episodes();
  if (episodes.empty()) return out;
  constexpr std::size_t kShown = 20;
  out += fmt::format(R"(<ul class="events" id="phase-{}-events">)", n);
  for (std::size_t i = 0; i < std::min(episodes.size(), kShown); ++i)
    out += fmt::format("<li>{}</li>", escape(measure::describe(episodes[i])));
  if (episodes.size() > kShown) out += fmt::format("<li>… {} more episodes; every event in report.json</li>", episodes.size() - kShown);
  return out + "</ul>";
}

}  // namespace

std::string phase_section(const PhaseResult& p, int n) {
  const bool failed = !p.gates_pass();
  std::string out = fmt::format(R"(<section class="phase {}" id="phase-{}" data-phase="{}">)",
                                failed ? "fail" : "pass", n, escape(p.name));
  out += fmt::format(R"(<h3>Load phase {}: {} {}{}</h3>)", n, escape(p.name),
                     p.gates.empty() ? "" : failed ? R"(<span class="badge fail">gates failed</span>)"
                                                   : R"(<span class="badge pass">gates pass</span>)",
                     p.partial ? R"( <span class="badge error">partial: )" + escape(p.stop_reason) + "</span>" : "");
  out += fmt::format(R"(<p class="shape">{}</p>)", escape(shape(p)));
  out += counts_table(p, n);
  out += gates_table(p, n);
  out += identities_table(p, n);
  out += R"(<div class="charts">)";
  out += percentile_chart(p, n) + histogram_chart(p, n) + timeline_chart(p, n);
  out += R"(<div class="side">)" + cpu_chart(p, n) + "<h4>Resumption</h4>" +
         resumption_table(p, n) + "<h4>Errors</h4>" + errors_table(p, n) + "</div>";
  out += "</div>";
  out += latency_table(p, n);
  out += every_counter_table(p, n);
  return out + "</section>";
}

}  // namespace mtls::report::html
