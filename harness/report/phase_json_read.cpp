// A PhaseResult read back from report JSON (phase_json_write.cpp is the writer): what `merge`
// needs to add up shards exactly and judge the gates again.
#include <stdexcept>
#include <string_view>

#include <nlohmann/json.hpp>

#include "report/phase_json.hpp"
#include "report/model/gates.hpp"
#include "measure/histogram_json.hpp"
#include "scenario/names.hpp"

namespace mtls::report {
namespace {

using nlohmann::json;

template <typename E>
E name_of(const json& j, const char* key) {
  const auto text = j.at(key).get<std::string>();
  if (auto v = scenario::parse_name<E>(text)) return *v;
  throw std::invalid_argument(std::string(key) + ": unknown value '" + text + "'");
}

std::optional<double> opt(const json& j, const char* key) {
  if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
  return j.at(key).get<double>();
}

scenario::LoadPhase read_phase(const json& j, const std::string& name) {
  scenario::LoadPhase p;
  p.name = name;
  p.connections = j.at("connections").get<int>();
  p.rate = j.at("rate").get<double>();
  p.ramp_up_s = j.at("ramp_up_s").get<double>();
  p.duration_s = j.at("duration_s").get<double>();
  p.warmup_s = j.at("warmup_s").get<double>();
  p.drain_s = j.value("drain_s", p.drain_s);
  p.max_connections_total = j.at("max_connections_total").get<std::int64_t>();
  p.requests_per_connection = j.at("requests_per_connection").get<int>();
  for (const auto& w : j.at("identities"))
    p.identities.push_back({w.at("identity").get<std::string>(), w.at("weight").get<double>()});
  p.resumption = name_of<scenario::Resumption>(j, "resumption");
  p.resumed_share = j.at("resumed_share").get<double>();
  p.tls_version = name_of<scenario::TlsVersion>(j, "tls_version");
  p.threads = j.at("threads").get<int>();
  p.path = j.at("path").get<std::string>();
  if (j.contains("gates")) p.gates = gate_limits_from_json(j.at("gates"));
  return p;
}

// Every counter is required: a report without one was not written by this harness (or was
// cut), and a missing counter read as 0 would merge into wrong sums. client_sends is the one
// exception, absent from reports of versions before it existed.
#define MTLS_COUNT_FROM_JSON(name, what) c.name = read_count(j, #name);

// Counters added after the first reports were written: absent from older reports.
bool added_later(std::string_view name) {
  return name == "client_sends" || name == "refused_as_expected" ||
         name == "wrongly_accepted" || name == "unexpected_errors";
}

std::uint64_t read_count(const json& j, const char* name) {
  if (!j.contains(name) && added_later(name)) return 0;
  return j.at(name).get<std::uint64_t>();
}

Counts read_counts(const json& j) {
  Counts c;
  MTLS_LOAD_COUNTS(MTLS_COUNT_FROM_JSON)
  // Before refusals owed to faulty identities were told apart, every failure was an error.
  if (!j.contains("unexpected_errors")) c.unexpected_errors = c.connections_failed;
  return c;
}

std::vector<IdentityOutcome> read_identities(const json& all) {
  std::vector<IdentityOutcome> out;
  for (const auto& j : all) {
    IdentityOutcome c;
    c.name = j.at("name").get<std::string>();
    c.must_refuse = j.at("must_refuse").get<bool>();
    c.expect = j.at("expect").get<std::string>();
    MTLS_IDENTITY_COUNTS(MTLS_COUNT_FROM_JSON)
    out.push_back(std::move(c));
  }
  return out;
}

ResumptionStats read_resumption(const json& j) {
  ResumptionStats c;
  MTLS_RESUMPTION_COUNTS(MTLS_COUNT_FROM_JSON)
  return c;
}

#undef MTLS_COUNT_FROM_JSON

// Reports written before the drain was counted apart have none: an empty drain.
Drain read_drain(const json& j) {
  Drain d;
  if (!j.contains("drain")) return d;
  const auto& dj = j.at("drain");
  d.limit_s = dj.at("limit_s").get<double>();
  d.seconds = dj.at("seconds").get<double>();
  d.counts = read_counts(dj.at("counts"));
  for (const auto& [k, n] : dj.at("errors").items()) d.errors.add(k, n.get<std::uint64_t>());
  return d;
}

std::optional<ClientRecord> read_client(const json& j) {
  if (!j.contains("client") || j.at("client").is_null()) return std::nullopt;
  const auto& c = j.at("client");
  ClientRecord r;
  r.server_verification_cache = c.at("server_verification_cache").get<bool>();
  r.peer_certificate_cache = c.at("peer_certificate_cache").get<bool>();
  r.fetch_cache = c.at("fetch_cache").get<bool>();
  return r;
}

std::optional<ShardShare> read_shard(const json& j) {
  if (!j.contains("shard") || j.at("shard").is_null()) return std::nullopt;
  const auto& s = j.at("shard");
  ShardShare out;
  out.index = s.at("index").get<int>();
  out.count = s.at("count").get<int>();
  out.runs = s.at("runs").get<bool>();
  out.note = s.at("note").get<std::string>();
  out.connections = s.at("connections").get<int>();
  out.rate = s.at("rate").get<double>();
  out.max_connections_total = s.at("max_connections_total").get<std::int64_t>();
  return out;
}

}  // namespace

PhaseResult phase_result_from_json(const json& j) {
  PhaseResult r;
  r.name = j.at("name").get<std::string>();
  try {
    r.mode = j.at("mode").get<std::string>();
    r.phase = read_phase(j.at("phase"), r.name);
    r.threads = j.at("threads").get<int>();
    r.measured_s = j.at("measured_s").get<double>();
    r.partial = j.at("partial").get<bool>();
    r.stop_reason = j.at("stop_reason").get<std::string>();
    r.measured_from_unix_s = j.value("measured_from_unix_s", 0.0);
    r.shard = read_shard(j);
    r.counts = read_counts(j.at("counts"));
    r.drain = read_drain(j);
    if (j.contains("identities")) r.identities = read_identities(j.at("identities"));
    r.phase_s = j.value("phase_s", 0.0);
    for (const auto& [k, n] : j.at("errors").items()) r.errors.add(k, n.get<std::uint64_t>());
    r.resumption = read_resumption(j.at("resumption"));
    const auto& lat = j.at("latency");
    r.connect = measure::histogram_from_json(lat.at("connect").at("buckets"));
    r.handshake_full = measure::histogram_from_json(lat.at("handshake_full").at("buckets"));
    r.handshake_resumed = measure::histogram_from_json(lat.at("handshake_resumed").at("buckets"));
    r.ttfb = measure::histogram_from_json(lat.at("ttfb").at("buckets"));
    r.total = measure::histogram_from_json(lat.at("total").at("buckets"));
    r.total_uncorrected = measure::histogram_from_json(lat.at("total_uncorrected").at("buckets"));
    r.series = measure::TimeSeries::from_json(j.at("series"));
    r.client = read_client(j);
    if (j.contains("events")) r.events = measure::EventLog::from_json(j.at("events"));
    if (j.contains("revoked_resumption") && !j.at("revoked_resumption").is_null()) {
      const auto& c = j.at("revoked_resumption");
      RevokedResumeCheck check;
      check.outcome = c.at("outcome").get<std::string>();
      check.identity = c.at("identity").get<std::string>();
      check.detail = c.at("detail").get<std::string>();
      check.resumed = c.at("resumed").get<bool>();
      check.status = c.at("status").get<int>();
      check.revocation_effective_ms = c.at("revocation_effective_ms").get<double>();
      check.restored = c.at("restored").get<bool>();
      r.revoked_resume = check;
    }
    const auto& cpu = j.at("cpu");
    r.cpu.client_us = cpu.at("client_us").get<double>();
    r.cpu.target_us = opt(cpu, "target_us");
    r.cpu.target_source = cpu.at("target_source").get<std::string>();
    r.cpu.client_us_per_handshake = opt(cpu, "client_us_per_handshake");
    r.cpu.target_us_per_handshake = opt(cpu, "target_us_per_handshake");
    const auto& mem = j.at("memory");
    r.peak_open_connections = mem.at("peak_open_connections").get<long>();
    r.rss_bytes_at_peak = mem.at("rss_bytes_at_peak").get<long>();
    for (const auto& g : j.at("gates")) {
      GateVerdict v;
      v.name = g.at("name").get<std::string>();
      v.limit = g.at("limit").get<double>();
      v.measured = opt(g, "measured");
      v.pass = g.at("pass").get<bool>();
      v.text = g.at("text").get<std::string>();
      v.limit_text = g.value("limit_text", "");
      v.measured_text = g.value("measured_text", "");
      r.gates.push_back(std::move(v));
    }
  } catch (const std::exception& e) {
    throw std::invalid_argument("load phase '" + r.name + "': " + e.what());
  }
  return r;
}

}  // namespace mtls::report
