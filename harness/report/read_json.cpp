// report.json -> Report: the inverse of json.cpp, field for field.
#include <array>

#include <nlohmann/json.hpp>

#include "common/files.hpp"
#include "report/read.hpp"
#include "report/phase_json.hpp"
#include "report/read_numbers.hpp"
#include "scenario/names.hpp"

namespace mtls::report {
namespace {

using nlohmann::json;

// Reports of long phases carry a second-by-second series; still nothing like /dev/zero.
constexpr std::size_t kReportFileLimit = std::size_t{64} << 20;

// An enum written with its to_string, read back by trying every value.
template <typename E, std::size_t N, typename ToString>
E by_name(const json& j, const char* key, const std::array<E, N>& values, ToString to_string) {
  const auto text = j.at(key).get<std::string>();
  for (E v : values)
    if (to_string(v) == text) return v;
  throw std::invalid_argument(std::string(key) + ": unknown value '" + text + "'");
}

template <typename E>
E scenario_name(const json& j, const char* key) {
  const auto text = j.at(key).get<std::string>();
  if (auto v = scenario::parse_name<E>(text)) return *v;
  throw std::invalid_argument(std::string(key) + ": unknown value '" + text + "'");
}

constexpr auto kStatusValues = [] {
  std::array<Status, kStatuses.size()> out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = kStatuses[i].status;
  return out;
}();
constexpr std::array kTcp = {TcpResult::not_attempted, TcpResult::connected,
                             TcpResult::refused, TcpResult::timeout,
                             TcpResult::unreachable};

Outcome read_outcome(const json& j) {
  Outcome o;
  o.tcp = by_name(j, "tcp", kTcp, [](auto v) { return to_string(v); });
  const auto& tls = j.at("tls");
  o.handshake_done = tls.at("handshake_done").get<bool>();
  o.tls_version = tls.at("version").get<std::string>();
  o.cipher = tls.at("cipher").get<std::string>();
  o.session_reused = tls.at("session_reused").get<bool>();
  for (const auto& a : tls.at("alerts"))
    o.alerts.push_back({a.at("code").get<int>(), a.at("name").get<std::string>(),
                        a.at("sent_by").get<std::string>() == "server",
                        a.at("stage").get<std::string>() == "handshake", a.at("fatal").get<bool>()});
  o.certificate_requested = tls.value("certificate_requested", false);
  if (tls.contains("acceptable_ca_names"))
    o.acceptable_ca_names = tls.at("acceptable_ca_names").get<std::vector<std::string>>();
  const auto& http = j.at("http");
  o.http_status = http.at("status").get<int>();
  o.body = http.at("body").get<std::string>();
  o.headers = http.at("headers").get<std::map<std::string, std::string>>();
  o.curl_code = j.at("client_error").at("curl_code").get<int>();
  o.curl_error = j.at("client_error").at("text").get<std::string>();
  const auto& t = j.at("timings_ms");
  o.connect_ms = t.at("connect").get<double>();
  o.handshake_ms = t.at("handshake").get<double>();
  o.first_byte_ms = t.at("first_byte").get<double>();
  o.total_ms = t.at("total").get<double>();
  return o;
}

CaseResult read_case(const json& j) {
  CaseResult c;
  c.case_name = j.at("case").get<std::string>();
  try {
    c.identity = j.at("identity").get<std::string>();
    c.fault = scenario_name<scenario::Fault>(j, "fault");
    c.version = scenario_name<scenario::TlsVersion>(j, "tls_version");
    c.verdict.status = by_name(j, "verdict", kStatusValues, [](auto v) { return to_string(v); });
    c.verdict.observed = by_name(j, "observed_class", kObservedKinds, [](auto v) { return to_string(v); });
    c.verdict.expected_text = j.at("expected").get<std::string>();
    c.verdict.observed_text = j.at("observed").get<std::string>();
    c.verdict.message = j.at("message").get<std::string>();
    c.outcome = read_outcome(j.at("outcome"));
    if (const auto b = j.find("backend"); b != j.end() && !b->is_null()) {
      BackendSeen seen;
      seen.reached = b->at("reached").get<bool>();
      if (seen.reached) {
        seen.method = b->at("method").get<std::string>();
        seen.path = b->at("path").get<std::string>();
        seen.source = b->value("source", "");
        for (const auto& h : b->at("headers"))
          seen.headers.emplace_back(h.at("name").get<std::string>(), h.at("value").get<std::string>());
      }
      c.backend = std::move(seen);
    }
    if (const auto k = j.find("check"); k != j.end() && !k->is_null()) c.check = k->get<std::string>();
    if (const auto g = j.find("gateway_log"); g != j.end()) c.gateway_log = g->get<std::vector<std::string>>();
  } catch (const std::exception& e) {
    throw std::invalid_argument("case '" + c.case_name + "': " + e.what());
  }
  return c;
}

Meta read_meta(const json& j) {
  Meta m;
  m.harness_version = j.at("harness_version").get<std::string>();
  m.openssl_version = j.at("openssl_version").get<std::string>();
  m.curl_version = j.at("curl_version").get<std::string>();
  m.scenario_name = j.at("scenario").get<std::string>();
  m.scenario_file = j.at("scenario_file").get<std::string>();
  m.scenario_sha256 = j.at("scenario_sha256").get<std::string>();
  m.target = j.at("target").get<std::string>();
  m.target_kind = j.at("target_kind").get<std::string>();
  m.profile = j.at("profile").get<std::string>();
  m.started_at = j.at("started_at").get<std::string>();
  m.finished_at = j.at("finished_at").get<std::string>();
  m.duration_ms = j.at("duration_ms").get<double>();
  m.partial = j.at("partial").get<bool>();
  m.partial_reason = j.at("partial_reason").get<std::string>();
  m.target_log = j.value("target_log", "");
  if (j.contains("shard") && !j.at("shard").is_null()) {
    m.shard_index = j.at("shard").at("index").get<int>();
    m.shard_count = j.at("shard").at("count").get<int>();
  }
  m.merged_shards = j.value("merged_shards", 0);
  m.stop_signal = j.value("stop_signal", 0);
  if (j.contains("target_config") && !j.at("target_config").is_null()) {
    const auto& tc = j.at("target_config");
    TargetConfig c;
    c.source = tc.at("source").get<std::string>();
    c.rendered = tc.at("rendered").get<std::string>();
    c.trust = tc.value("trust", "");
    for (const auto& l : tc.at("listeners"))
      c.listeners.push_back({l.at("written_port").get<int>(), l.at("port").get<int>(),
                             l.at("tls").get<bool>(), l.at("cases").get<bool>()});
    for (const auto& x : tc.at("changes"))
      c.changes.push_back({x.at("where").get<std::string>(), x.at("directive").get<std::string>(),
                           x.at("from").get<std::string>(), x.at("to").get<std::string>(),
                           x.at("text").get<std::string>()});
    m.target_config = std::move(c);
  }
  return m;
}

}  // namespace

Report report_from_json(const std::string& text, const std::string& source) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    throw ReportError(source + ": not JSON: " + e.what());
  }
  if (!doc.is_object() || !doc.contains("schema_version") || !doc.contains("meta"))
    throw ReportError(source + ": not an mtls-harness report.json (no schema_version/meta)");
  if (!doc.at("schema_version").is_number_integer() || doc.at("schema_version").get<int>() != kSchemaVersion)
    throw ReportError(source + ": schema_version " + doc.at("schema_version").dump() +
                      ", this harness reads schema_version " + std::to_string(kSchemaVersion) +
                      ": merge with the harness version that wrote it");
  check_numbers(doc, source);
  Report r;
  try {
    r.meta = read_meta(doc.at("meta"));
    for (const auto& c : doc.at("cases")) r.cases.push_back(read_case(c));
    for (const auto& p : doc.at("load")) r.phases.push_back(phase_result_from_json(p));
  } catch (const std::exception& e) {
    throw ReportError(source + ": " + e.what());
  }
  return r;
}

Report read_report(const std::filesystem::path& file) {
  std::string text;
  try {
    text = common::read_file(file, kReportFileLimit);
  } catch (const std::exception& e) {
    throw ReportError("cannot read " + file.string() + ": " + e.what());
  }
  return report_from_json(text, file.string());
}

}  // namespace mtls::report
