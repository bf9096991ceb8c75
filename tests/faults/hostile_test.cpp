// Hostile peers: a "gateway" that speaks plain HTTP on the TLS port, sends garbage, closes or
// resets mid-handshake, never answers, sends a 10 MB header, or drips its answer. The probe
// and the load engine each name what happened, and each gives up within its bounds.
#include <catch2/catch.hpp>

#include <chrono>
#include <nlohmann/json.hpp>

#include "cases/verdict.hpp"
#include "faults_support.hpp"
#include "hostile_peer.hpp"
#include "probe/failure.hpp"

namespace mtls::test {
namespace {

using namespace std::chrono_literals;
using probe::Failure;
using Clock = std::chrono::steady_clock;

struct Row {
  Hostility mode;
  Failure probe_failure;
  const char* probe_text;          // in the probe's sentence
  cases::Observed observed;        // what the conformance verdict makes of it
  const char* load_error;          // the load engine's error key
};

const Row kRows[] = {
    {Hostility::plain_http, Failure::not_tls, "not TLS: the server answered in plain HTTP (\"HTTP/",
     cases::Observed::target_misbehaved, "tls:not_tls"},
    {Hostility::garbage, Failure::not_tls, "not TLS: the server sent bytes that are no TLS record (de ",
     cases::Observed::target_misbehaved, "tls:not_tls"},
    {Hostility::close_mid_handshake, Failure::closed_in_handshake,
     "connection closed by the server during the TLS handshake, without an alert",
     cases::Observed::refused_tls, "tls:eof"},
    {Hostility::reset_mid_handshake, Failure::reset_in_handshake,
     "connection reset by the server during the TLS handshake", cases::Observed::refused_tls,
     "tls:reset"},
    {Hostility::never_answers, Failure::handshake_timeout,
     "TLS handshake timeout after 800 ms", cases::Observed::target_misbehaved,
     "timeout:handshake"},
    {Hostility::huge_header, Failure::header_too_large,
     "response header too large: over 65536 bytes", cases::Observed::target_misbehaved,
     "http:header limit exceeded"},
    {Hostility::huge_body, Failure::body_too_large,
     "response body too large: over 1048576 bytes", cases::Observed::target_misbehaved,
     "http:body limit exceeded"},
    {Hostility::slow_drip, Failure::response_timeout, "response timeout after 800 ms",
     cases::Observed::target_misbehaved, "timeout:response"},
};

constexpr long kProbeTimeoutMs = 800;
constexpr auto kStepTimeout = 500ms;

PeerIdentity server_identity() {
  return {faults_fixtures().server_fullchain, faults_fixtures().server_key};
}

}  // namespace

TEST_CASE("the probe names each hostile peer and gives up within its timeout", "[faults][hostile]") {
  for (const auto& row : kRows) {
    for (auto v : {scenario::TlsVersion::tls1_2, scenario::TlsVersion::tls1_3}) {
      DYNAMIC_SECTION(to_string(row.mode) << " TLS " << scenario::to_string(v)) {
        HostilePeer peer(row.mode, server_identity());
        const auto start = Clock::now();
        const auto o = probe::run(probe_request(peer.port(), v, kProbeTimeoutMs));
        const auto took = Clock::now() - start;
        const auto f = probe::classify_failure(o);
        INFO("curl " << o.curl_code << ": " << o.curl_error << " | " << f.text);
        CHECK(f.kind == row.probe_failure);
        CHECK_THAT(f.text, Catch::Contains(row.probe_text));
        CHECK(cases::classify(o) == row.observed);
        CHECK_THAT(cases::describe(o), Catch::Contains(row.probe_text));
        CHECK(took < std::chrono::milliseconds(kProbeTimeoutMs) + 2s);
      }
    }
  }
}

TEST_CASE("a conformance case against a misbehaving target is an error, never a pass",
          "[faults][hostile]") {
  HostilePeer peer(Hostility::never_answers, server_identity());
  scenario::Case c;
  c.name = "expired";
  c.identity = "valid";
  c.expect.kind = scenario::ExpectKind::reject;
  const std::string profile = "strict";
  const auto o = probe::run(probe_request(peer.port(), scenario::TlsVersion::tls1_3, kProbeTimeoutMs));
  const auto v = cases::judge({c, scenario::TlsVersion::tls1_3, scenario::Fault::none, profile}, o);
  CHECK(v.status == cases::Status::error);
  CHECK_THAT(v.message, Catch::Contains("expected reject, but the target misbehaved: TLS "
                                        "handshake timeout after 800 ms"));
}

TEST_CASE("the load engine counts each hostile peer under one error class, within its bounds",
          "[faults][hostile]") {
  for (const auto& row : kRows) {
    DYNAMIC_SECTION(to_string(row.mode)) {
      HostilePeer peer(row.mode, server_identity());
      auto phase = closed_phase(1, 10);
      phase.max_connections_total = 3;
      const auto start = Clock::now();
      const auto r = load::run_phase(phase, faults_scenario(), faults_fixtures(),
                                     endpoint_at(peer.port()), quiet(kStepTimeout));
      const auto took = Clock::now() - start;
      INFO(r.errors.to_json().dump() << ", aborted " << r.counts.connections_aborted);
      // The last connection may still be waiting when the phase ends: cut off then, it is
      // counted as aborted, not as an error. Every error has the one class.
      CHECK(r.counts.connections_failed >= 2);
      CHECK(r.counts.connections_failed + r.counts.connections_aborted == 3);
      CHECK(r.errors.get(row.load_error) == r.counts.connections_failed);
      CHECK(r.errors.total() == r.counts.connections_failed);
      CHECK(r.counts.connections_ok == 0);
      CHECK(r.stop_reason == "max_connections_total");
      CHECK(took < 3 * kStepTimeout + 3s);
    }
  }
}

}  // namespace mtls::test
