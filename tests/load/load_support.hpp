// Shared by the load tests: a small fixture PKI (one valid and one expired identity) and the
// embedded target serving it, with or without session resumption.
#pragma once

#include <memory>

#include "load/engine.hpp"
#include "pki/fixtures.hpp"
#include "scenario/scenario.hpp"
#include "target/target.hpp"

namespace mtls::test {

const scenario::Scenario& load_scenario();
const pki::Fixtures& load_fixtures();

// The embedded target; `resumption` false: no session cache and no tickets.
std::unique_ptr<target::RunningTarget> serve_embedded(bool resumption = true);

// The same for a real nginx from the verify-on template (one worker, launched on a free
// loopback port by the harness) or the embedded target, by kind.
std::unique_ptr<target::RunningTarget> serve(scenario::TargetKind kind, bool resumption = true);

// How a target of that kind refuses the expired identity, as the engine counts it, and
// whether the TLS handshake itself fails (alert) or completes first (nginx: HTTP 400).
struct Refusal {
  std::string error_key;
  bool handshake_fails = true;
};
Refusal expired_refusal(scenario::TargetKind kind, scenario::TlsVersion v);

// quiet(), with the target's CPU measured the way the CLI does it (in process or by pid).
load::PhaseOptions quiet_for(const target::RunningTarget& t);

// A short bounded closed-loop phase: `total` connections over `concurrency` slots.
scenario::LoadPhase short_phase(std::int64_t total, int concurrency = 4);

load::PhaseOptions quiet();

}  // namespace mtls::test
