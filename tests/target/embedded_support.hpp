// Shared by the embedded target's tests: the every-fault fixture PKI (materialized once per
// program), a server started with a given [target], and client runs as a named identity.
#pragma once

#include <memory>
#include <string>

#include "embedded_client.hpp"
#include "pki/fixtures.hpp"
#include "scenario/scenario.hpp"
#include "target/embedded_server.hpp"

namespace mtls::test {

// The fixtures of tests/pki's every_fault_scenario: one identity per fault, named after it
// ("valid", "expired", "wrong-ca", ... "not-allowed"), CN "client-<name>".
const pki::Fixtures& fixtures();

// A strict target: verify required, CRLs on, depth 2, TLS 1.2-1.3, allow-list naming
// client-valid (CN) and the valid identity's SPIFFE URI.
scenario::Target strict_target();

std::unique_ptr<target::EmbeddedServer> serve(const scenario::Target& t,
                                              const target::EmbeddedLimits& limits = {},
                                              int threads = 1);

// A run presenting identity `name` ("none": no certificate), the way the probe would: weak
// keys and mismatched keys are sent anyway.
ClientRun as(const std::string& name, scenario::TlsVersion v);

}  // namespace mtls::test
