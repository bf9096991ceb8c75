// A report with every kind of content the views must show: passing, failing, errored and
// skipped cases on two TLS versions (names with markup characters in them), a closed-loop
// phase without resumption and an open-loop one with resumption, errors and a failed gate.
#pragma once

#include "report/report.hpp"

namespace mtls::test {

inline report::CaseResult case_result(const std::string& name, scenario::TlsVersion v,
                                     report::Status status, const std::string& observed) {
  report::CaseResult c;
  c.case_name = name;
  c.identity = name;
  c.version = v;
  c.verdict.status = status;
  c.verdict.expected_text = "reject at TLS alert certificate_expired (certificate_expired)";
  c.verdict.observed_text = observed;
  if (status == report::Status::fail || status == report::Status::error)
    c.verdict.message = name + " [TLS " + scenario::to_string(v) + "]: expected reject, got " + observed;
  return c;
}

inline report::PhaseResult phase(const std::string& name, bool open, bool resumed) {
  report::PhaseResult p;
  p.name = name;
  p.mode = open ? "open" : "closed";
  p.threads = 2;
  p.measured_s = 3;
  p.stop_reason = "duration";
  p.phase.name = name;
  p.phase.connections = open ? 0 : 8;
  p.phase.rate = open ? 100 : 0;
  p.phase.duration_s = 3;
  p.phase.identities = {{"valid", 9}, {"expired", 1}};
  p.phase.resumption = resumed ? scenario::Resumption::psk : scenario::Resumption::none;
  for (int i = 0; i < 3000; ++i) {
    const std::uint64_t full = 1'500'000 + static_cast<std::uint64_t>(i % 100) * 20'000;
    const bool is_resumed = resumed && i % 4 != 0;
    (is_resumed ? p.handshake_resumed : p.handshake_full).record(is_resumed ? full / 3 : full);
    p.connect.record(80'000);
    p.ttfb.record(300'000);
    p.total.record(full + 400'000);
    p.total_uncorrected.record(full + 350'000);
    auto& sec = p.series.at(i / 1000.0);
    ++sec.connections;
    ++sec.handshakes;
    ++sec.requests;
    sec.resumed += is_resumed ? 1 : 0;
  }
  p.counts.connections = p.counts.connections_ok = p.counts.requests = p.counts.responses_2xx = 3000;
  p.counts.handshakes_full = p.handshake_full.count();
  p.counts.handshakes_resumed = p.handshake_resumed.count();
  p.cpu.client_us_per_handshake = 420;
  p.cpu.target_us_per_handshake = 1210;
  p.cpu.target_source = "in-process";
  if (resumed) {
    p.resumption.offered = 2300;
    p.resumption.accepted = p.handshake_resumed.count();
    p.resumption.tickets_received = 6000;
    p.resumption.identity_kept = p.resumption.accepted;
  }
  if (open) {
    p.errors.add("tls_alert:certificate_expired", 12);
    p.errors.add("http_status:<403>", 1);
    p.series.at(1.5).errors += 13;
    p.events.failed(1.5, "tls_alert:certificate_expired");
    p.events.ok(1.75);
    p.counts.connections_failed = 13;
    p.counts.handshakes_failed = 12;
    p.gates.push_back({"error_rate_max", 0, 13.0 / 3013, false, "error_rate_max <= 0: 0.0043 (fail)", "", ""});
  } else {
    p.gates.push_back({"handshake_p99_ms", 50, 3.5, true, "handshake_p99_ms <= 50: 3.5 (pass)", "", ""});
  }
  return p;
}

inline report::Report sample_report() {
  using scenario::TlsVersion;
  report::Report r;
  r.meta.scenario_name = "sample <&> \"quoted\"";
  r.meta.scenario_file = "scenarios/sample.toml";
  r.meta.scenario_sha256 = "0123abcd";
  r.meta.harness_version = "0.1.0";
  r.meta.openssl_version = "OpenSSL 3.0.test";
  r.meta.target = "embedded (verify=required)";
  r.meta.target_kind = "embedded";
  r.meta.profile = "strict";
  r.meta.started_at = "2026-01-01T00:00:00Z";
  r.meta.finished_at = "2026-01-01T00:00:05Z";
  r.meta.target_log = "2026/01/01 [info] client sent <b>bad</b> & left";
  r.cases = {
      case_result("valid", TlsVersion::tls1_2, report::Status::pass, "HTTP 200"),
      case_result("valid", TlsVersion::tls1_3, report::Status::pass, "HTTP 200"),
      case_result("later", TlsVersion::tls1_3, report::Status::skipped, "not run"),
      case_result("expired <script>alert(1)</script>", TlsVersion::tls1_2, report::Status::pass,
                  "TLS alert certificate_expired"),
      case_result("expired <script>alert(1)</script>", TlsVersion::tls1_3, report::Status::fail,
                  "HTTP 200 | \"accepted\""),
      case_result("untrusted-server", TlsVersion::tls1_3, report::Status::error,
                  "client error: unable to get local issuer certificate"),
  };
  r.cases[4].fault = scenario::Fault::expired;
  r.cases[5].outcome.curl_error = "SSL certificate problem: unable to get local issuer certificate";
  r.phases = {phase("full-handshakes", false, false), phase("resumed & mixed", true, true)};
  return r;
}

}  // namespace mtls::test
