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

// A short bounded closed-loop phase: `total` connections over `concurrency` slots.
scenario::LoadPhase short_phase(std::int64_t total, int concurrency = 4);

load::PhaseOptions quiet();

}  // namespace mtls::test
