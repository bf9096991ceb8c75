#include <nlohmann/json.hpp>

#include "report/phase_json.hpp"
#include "report/report.hpp"

namespace mtls::report {
namespace {

using nlohmann::json;

json outcome_json(const Outcome& o) {
  json alerts = json::array();
  for (const auto& a : o.alerts)
    alerts.push_back({{"code", a.code},
                      {"name", a.name},
                      {"sent_by", a.from_server ? "server" : "client"},
                      {"stage", a.during_handshake ? "handshake" : "after_handshake"},
                      {"fatal", a.fatal}});
  return {
      {"tcp", to_string(o.tcp)},
      {"tls",
       {{"handshake_done", o.handshake_done},
        {"version", o.tls_version},
        {"cipher", o.cipher},
        {"session_reused", o.session_reused},
        {"alerts", alerts},
        {"certificate_requested", o.certificate_requested},
        {"acceptable_ca_names", o.acceptable_ca_names}}},
      {"http", {{"status", o.http_status}, {"body", o.body}, {"headers", o.headers}}},
      {"client_error", {{"curl_code", o.curl_code}, {"text", o.curl_error}}},
      {"timings_ms",
       {{"connect", o.connect_ms},
        {"handshake", o.handshake_ms},
        {"first_byte", o.first_byte_ms},
        {"total", o.total_ms}}},
  };
}

json client_cas_json(const Report& r) {
  json out = json::array();
  for (const auto& n : client_ca_names(r.cases))
    out.push_back({{"tls_version", scenario::to_string(n.version)},
                   {"certificate_requested", n.requested},
                   {"names", n.names}});
  return out;
}

json load_json(const Report& r) {
  json phases = json::array();
  for (const auto& p : r.phases) phases.push_back(to_json(p));
  return phases;
}

// null: the target has no recording backend; else whether the request reached it and
// every header it arrived with.
json backend_json(const std::optional<BackendSeen>& b) {
  if (!b) return nullptr;
  if (!b->reached) return {{"reached", false}};
  json headers = json::array();
  for (const auto& [n, v] : b->headers) headers.push_back({{"name", n}, {"value", v}});
  return {{"reached", true}, {"method", b->method}, {"path", b->path}, {"source", b->source}, {"headers", headers}};
}

}  // namespace

std::string to_json(const Report& r) {
  const auto& m = r.meta;
  const auto s = r.summary();
  json cases = json::array();
  for (const auto& c : r.cases) {
    cases.push_back({
        {"case", c.case_name},
        {"identity", c.identity},
        {"fault", scenario::to_string(c.fault)},
        {"tls_version", scenario::to_string(c.version)},
        {"verdict", to_string(c.verdict.status)},
        {"expected", c.verdict.expected_text},
        {"observed", c.verdict.observed_text},
        {"observed_class", to_string(c.verdict.observed)},
        {"message", c.verdict.message},
        {"outcome", outcome_json(c.outcome)},
        {"backend", backend_json(c.backend)},
        {"check", c.check.empty() ? json(nullptr) : json(c.check)},
        {"gateway_log", c.gateway_log},
    });
  }
  json target_config = nullptr;
  if (const auto& tc = m.target_config) {
    json listeners = json::array(), changes = json::array();
    for (const auto& l : tc->listeners)
      listeners.push_back({{"written_port", l.written_port}, {"port", l.port}, {"tls", l.tls},
                           {"cases", l.cases}});
    for (const auto& c : tc->changes)
      changes.push_back({{"where", c.where}, {"directive", c.directive}, {"from", c.from},
                         {"to", c.to}, {"text", c.text}});
    target_config = {{"source", tc->source}, {"rendered", tc->rendered}, {"trust", tc->trust},
                     {"listeners", listeners}, {"changes", changes}};
  }
  json doc = {
      {"schema_version", kSchemaVersion},
      {"meta",
       {{"harness_version", m.harness_version},
        {"openssl_version", m.openssl_version},
        {"curl_version", m.curl_version},
        {"scenario", m.scenario_name},
        {"scenario_file", m.scenario_file},
        {"scenario_sha256", m.scenario_sha256},
        {"target", m.target},
        {"target_kind", m.target_kind},
        {"profile", m.profile},
        {"started_at", m.started_at},
        {"finished_at", m.finished_at},
        {"duration_ms", m.duration_ms},
        {"partial", m.partial},
        {"partial_reason", m.partial_reason},
        {"target_log", m.target_log},
        {"shard", m.shard_count > 0 ? json{{"index", m.shard_index}, {"count", m.shard_count}}
                                    : json(nullptr)},
        {"merged_shards", m.merged_shards},
        {"stop_signal", m.stop_signal},
        {"target_config", target_config}}},
      {"client_ca_names", client_cas_json(r)},
      {"summary",
       {{"total", s.total},
        {"passed", s.passed},
        {"failed", s.failed},
        {"errors", s.errors},
        {"inconclusive", s.inconclusive},
        {"not_checkable", s.not_checkable},
        {"skipped", s.skipped},
        {"gates_failed", r.gates_failed()},
        {"exit_code", r.exit_code()}}},
      {"cases", cases},
      {"load", load_json(r)},
  };
  // Gateway answers and logs are not ours to trust: bytes that are not UTF-8 become U+FFFD
  // rather than an exception that loses the whole report.
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace mtls::report
