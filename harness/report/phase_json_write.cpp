#include <nlohmann/json.hpp>

#include "report/phase_json.hpp"
#include "report/model/gates.hpp"
#include "measure/histogram_json.hpp"

namespace mtls::report {
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
          {"drain_s", p.drain_s},
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

#define MTLS_COUNT_TO_JSON(name, what) out[#name] = c.name;

json counts_json(const Counts& c) {
  json out = json::object();
  MTLS_LOAD_COUNTS(MTLS_COUNT_TO_JSON)
  return out;
}

json resumption_json(const ResumptionStats& c) {
  json out = json::object();
  MTLS_RESUMPTION_COUNTS(MTLS_COUNT_TO_JSON)
  out["accepted_ratio"] = c.accepted_ratio();
  return out;
}

json identity_json(const IdentityOutcome& c) {
  json out = {{"name", c.name}, {"must_refuse", c.must_refuse}, {"expect", c.expect}};
  MTLS_IDENTITY_COUNTS(MTLS_COUNT_TO_JSON)
  return out;
}

json identities_json(const std::vector<IdentityOutcome>& ids) {
  json out = json::array();
  for (const auto& c : ids) out.push_back(identity_json(c));
  return out;
}

#undef MTLS_COUNT_TO_JSON

// Derived from the events (read back from them, not from here): for readers of the report.
json episodes_json(const measure::EventLog& events) {
  json out = json::array();
  for (const auto& e : events.episodes())
    out.push_back({{"from_s", e.from_s}, {"to_s", e.to_s}, {"errors", e.errors},
                   {"classes", e.classes}, {"recovered", e.recovered},
                   {"text", measure::describe(e)}});
  return out;
}

json drain_json(const Drain& d) {
  return {{"limit_s", d.limit_s},
          {"seconds", d.seconds},
          {"counts", counts_json(d.counts)},
          {"errors", d.errors.to_json()}};
}

json client_json(const std::optional<ClientRecord>& c) {
  if (!c) return nullptr;
  return {{"stock_openssl", c->stock_openssl()},
          {"server_verification_cache", c->server_verification_cache},
          {"peer_certificate_cache", c->peer_certificate_cache},
          {"fetch_cache", c->fetch_cache},
          {"text", c->describe()}};
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
      {"phase_s", r.phase_s},
      {"counts", counts_json(r.counts)},
      {"identities", identities_json(r.identities)},
      {"drain", drain_json(r.drain)},
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
      {"episodes", episodes_json(r.events)},
      {"client", client_json(r.client)},
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

nlohmann::json to_json(const RevokedResumeCheck& c) {
  return {{"outcome", c.outcome},
          {"identity", c.identity},
          {"detail", c.detail},
          {"resumed", c.resumed},
          {"status", c.status},
          {"revocation_effective_ms", c.revocation_effective_ms},
          {"restored", c.restored}};
}

}  // namespace mtls::report
