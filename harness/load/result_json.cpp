#include <nlohmann/json.hpp>

#include "load/engine.hpp"
#include "measure/histogram_json.hpp"

namespace mtls::load {
namespace {

using nlohmann::json;

json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json phase_json(const scenario::LoadPhase& p) {
  json ids = json::array();
  for (const auto& w : p.identities) ids.push_back({{"identity", w.identity}, {"weight", w.weight}});
  return {{"connections", p.connections},
          {"rate", p.rate},
          {"ramp_up_s", p.ramp_up_s},
          {"duration_s", p.duration_s},
          {"warmup_s", p.warmup_s},
          {"max_connections_total", p.max_connections_total},
          {"requests_per_connection", p.requests_per_connection},
          {"identities", ids},
          {"resumption", scenario::to_string(p.resumption)},
          {"resumed_share", p.resumed_share},
          {"tls_version", scenario::to_string(p.tls_version)},
          {"threads", p.threads},
          {"path", p.path},
          {"gates", gate_limits_json(p.gates)}};
}

json shard_json(const std::optional<ShardShare>& s) {
  if (!s) return nullptr;
  return {{"index", s->index},
          {"count", s->count},
          {"runs", s->runs},
          {"note", s->note},
          {"connections", s->connections},
          {"rate", s->rate},
          {"max_connections_total", s->max_connections_total}};
}

json counts_json(const Counts& c) {
  return {{"connections", c.connections},
          {"connections_ok", c.connections_ok},
          {"connections_failed", c.connections_failed},
          {"connections_aborted", c.connections_aborted},
          {"warmup_connections", c.warmup_connections},
          {"arrivals_missed", c.arrivals_missed},
          {"handshakes_full", c.handshakes_full},
          {"handshakes_resumed", c.handshakes_resumed},
          {"handshakes_failed", c.handshakes_failed},
          {"requests", c.requests},
          {"responses", c.responses},
          {"responses_2xx", c.responses_2xx},
          {"client_sends", c.client_sends}};
}

json resumption_json(const ResumptionStats& r) {
  return {{"tickets_received", r.tickets_received},
          {"sessions_saved", r.sessions_saved},
          {"offered", r.offered},
          {"accepted", r.accepted},
          {"accepted_ratio", r.accepted_ratio()},
          {"no_session", r.no_session},
          {"server_reported", r.server_reported},
          {"disagreements", r.disagreements},
          {"identity_kept", r.identity_kept},
          {"identity_lost", r.identity_lost},
          {"identity_changed", r.identity_changed}};
}

}  // namespace

nlohmann::json to_json(const PhaseResult& r) {
  json gates = json::array();
  for (const auto& g : r.gates)
    gates.push_back({{"name", g.name}, {"limit", g.limit}, {"measured", opt(g.measured)},
                     {"limit_text", g.limit_text}, {"measured_text", g.measured_text},
                     {"pass", g.pass}, {"text", g.text}});
  return {
      {"name", r.name},
      {"mode", r.mode},
      {"phase", phase_json(r.phase)},
      {"threads", r.threads},
      {"measured_s", r.measured_s},
      {"partial", r.partial},
      {"stop_reason", r.stop_reason},
      {"measured_from_unix_s", r.measured_from_unix_s},
      {"shard", shard_json(r.shard)},
      {"counts", counts_json(r.counts)},
      {"handshakes_per_s", r.handshakes_per_s()},
      {"error_rate", r.error_rate()},
      {"errors", r.errors.to_json()},
      {"resumption", resumption_json(r.resumption)},
      {"latency",
       {{"connect", measure::to_json(r.connect)},
        {"handshake_full", measure::to_json(r.handshake_full)},
        {"handshake_resumed", measure::to_json(r.handshake_resumed)},
        {"ttfb", measure::to_json(r.ttfb)},
        {"total", measure::to_json(r.total)},
        {"total_uncorrected", measure::to_json(r.total_uncorrected)}}},
      {"series", r.series.to_json()},
      {"events", r.events.to_json()},
      {"cpu",
       {{"client_us", r.cpu.client_us},
        {"target_us", opt(r.cpu.target_us)},
        {"target_source", r.cpu.target_source},
        {"client_us_per_handshake", opt(r.cpu.client_us_per_handshake)},
        {"target_us_per_handshake", opt(r.cpu.target_us_per_handshake)}}},
      {"memory",
       {{"peak_open_connections", r.peak_open_connections},
        {"rss_bytes_at_peak", r.rss_bytes_at_peak}}},
      {"gates", gates},
      {"gates_pass", r.gates_pass()},
      {"revoked_resumption", r.revoked_resume ? to_json(*r.revoked_resume) : json(nullptr)},
  };
}

}  // namespace mtls::load
