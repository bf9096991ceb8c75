#include <algorithm>
#include <fmt/format.h>
#include <fmt/ostream.h>
#include <nlohmann/json.hpp>

#include "report/phase_text.hpp"
#include "report/model/gates.hpp"
#include "measure/histogram_json.hpp"

namespace mtls::report {
namespace {

std::string per_hs(const std::optional<double>& v) {
  return v ? fmt::format("{:.0f} µs/handshake", *v) : std::string("not measured");
}

void latency_row(std::ostream& out, const char* name, const measure::Histogram& h) {
  if (h.count() == 0) {
    fmt::print(out, "  {:<20} {:>9}\n", name, 0);
    return;
  }
  const auto ms = [&](double q) { return measure::ns_to_ms(h.percentile(q)); };
  fmt::print(out, "  {:<20} {:>9} {:>9.3f} {:>9.3f} {:>9.3f} {:>9.3f} {:>9.3f} {:>9.3f}\n", name,
             h.count(), measure::ns_to_ms(h.min()), ms(0.5), ms(0.9), ms(0.99), ms(0.999),
             measure::ns_to_ms(h.max()));
}

}  // namespace

void print_summary(std::ostream& out, const PhaseResult& r) {
  const auto& c = r.counts;
  fmt::print(out, "load phase '{}' ({} loop, {} threads, {:.2f} s measured{}{})\n", r.name, r.mode,
             r.threads, r.measured_s, r.partial ? ", PARTIAL: stopped" : "",
             r.stop_reason == "max_connections_total" ? ", ended at max_connections_total" : "");
  if (r.client) fmt::print(out, "  client: {}\n", r.client->describe());
  if (r.shard && !r.shard->runs) fmt::print(out, "  {}\n", r.shard->note);
  else if (r.shard)
    fmt::print(out, "  shard {}/{}: this shard's part: {}{}\n", r.shard->index, r.shard->count,
               r.shard->rate > 0 ? fmt::format("{:g} connections/s", r.shard->rate)
                                 : fmt::format("{} connections", r.shard->connections),
               r.shard->max_connections_total > 0
                   ? fmt::format(", at most {} in total", r.shard->max_connections_total)
                   : "");
  fmt::print(out, "  connections {} (ok {}, failed {}, aborted {}; warm-up {}, missed arrivals {})\n",
             c.connections, c.connections_ok, c.connections_failed, c.connections_aborted,
             c.warmup_connections, c.arrivals_missed);
  fmt::print(out, "  handshakes  full {}, resumed {}, failed {}: {:.1f}/s; requests {}, 2xx {}; client sends {}\n",
             c.handshakes_full, c.handshakes_resumed, c.handshakes_failed, r.handshakes_per_s(),
             c.requests, c.responses_2xx, c.client_sends);
  if (r.phase_s > 0)
    fmt::print(out, "  timing      {:.2f} s in all: warm-up {:g} s, window {:.2f} s, drain {:.2f} s (at most {:g} s)\n",
               r.phase_s, r.phase.warmup_s, r.measured_s, r.drain.seconds, r.drain.limit_s);
  if (const auto& d = r.drain.counts; d.connections > 0 || d.handshake_attempts() > 0)
    fmt::print(out, "  drain       after the window, in no figure above: {} connections ended (ok {}, "
               "failed {}, cut off {}), {} handshakes\n",
               d.connections, d.connections_ok, d.connections_failed, d.connections_aborted,
               d.handshakes_ok());
  fmt::print(out, "  cpu         client {}, target {} [{}]\n", per_hs(r.cpu.client_us_per_handshake),
             per_hs(r.cpu.target_us_per_handshake), r.cpu.target_source);
  const auto& z = r.resumption;
  if (r.phase.resumption != scenario::Resumption::none || z.tickets_received > 0)
    fmt::print(out,
               "  resumption  {}: tickets {}, offered {}, accepted {} ({:.1f}%), server said "
               "resumed {}, identity kept {} lost {} changed {}\n",
               scenario::to_string(r.phase.resumption), z.tickets_received, z.offered, z.accepted,
               100 * z.accepted_ratio(), z.server_reported, z.identity_kept, z.identity_lost,
               z.identity_changed);
  if (const auto& v = r.revoked_resume; v && v->outcome != "not_checked")
    fmt::print(out, "  revoked     {}: {}\n",
               v->outcome == "gets_in" ? "a revoked client GETS IN by resuming"
                                        : v->outcome == "refused" ? "a revoked client is refused on resumption"
                                        : v->outcome == "unreachable" ? "resumption after revocation not checked, target unreachable"
                                                                  : "resumption after revocation inconclusive",
               v->detail);
  // Per identity, when the mix holds more than one or one the gateway must refuse: what it
  // met against what it should have met.
  const bool judged = std::any_of(r.identities.begin(), r.identities.end(),
                                  [](const IdentityOutcome& o) { return o.must_refuse; });
  if (r.identities.size() > 1 || judged)
    for (const auto& id : r.identities)
      fmt::print(out, "  identity    {}: {} accepted, {} refused as expected, {} got in wrongly, "
                 "{} unexpected errors; expected: {}\n",
                 id.name, id.accepted, id.refused_as_expected, id.wrongly_accepted,
                 id.unexpected_errors, id.expect);
  if (r.errors.total() > 0) {
    fmt::print(out, "  failures    {}: {} unexpected errors ({:.2f}%), {} refused as expected; by class:",
               c.connections_failed, c.unexpected_errors, 100 * r.error_rate(), c.refused_as_expected);
    for (const auto& [k, n] : r.errors.all()) fmt::print(out, " {} {};", k, n);
    fmt::print(out, "\n");
  }
  // Episodes, not events: a flapping target makes thousands of events; a few lines here, all
  // of them in report.json.
  constexpr std::size_t kEpisodesShown = 4;
  const auto episodes = r.events.episodes();
  for (std::size_t i = 0; i < episodes.size() && i < kEpisodesShown; ++i)
    fmt::print(out, "  {}  {}\n", i == 0 ? "episodes  " : "          ", measure::describe(episodes[i]));
  if (episodes.size() > kEpisodesShown || r.events.dropped() > 0)
    fmt::print(out, "              ... {} more episodes{} (every event in report.json)\n",
               episodes.size() > kEpisodesShown ? episodes.size() - kEpisodesShown : 0,
               r.events.dropped() > 0 ? fmt::format(", {} events past the log's limit", r.events.dropped()) : "");
  fmt::print(out, "  {:<20} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}\n", "latency (ms)", "count",
             "min", "p50", "p90", "p99", "p99.9", "max");
  latency_row(out, "tcp connect", r.connect);
  latency_row(out, "handshake full", r.handshake_full);
  latency_row(out, "handshake resumed", r.handshake_resumed);
  latency_row(out, "ttfb", r.ttfb);
  latency_row(out, "total", r.total);
  if (r.mode == "open") latency_row(out, "total uncorrected", r.total_uncorrected);
  fmt::print(out, "  {}\n", gate_line(r));
}

}  // namespace mtls::report
