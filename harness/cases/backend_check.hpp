// The application's side of a case: what the recording backend received for the probe,
// judged against the case's backend expectations. A refused client that reached the backend,
// an accepted one that never did, a header the backend saw other than expected: each fails a
// case whatever the client saw. Only for targets with a recording backend.
#pragma once

#include <string>

#include "report/model/backend_seen.hpp"
#include "report/model/verdict_kinds.hpp"
#include "scenario/scenario.hpp"

namespace mtls::cases {

// `v` judged again with what the backend saw: a passing verdict can fail here; errors,
// skips and inconclusive verdicts are left as they are. observed_text gains what the backend
// saw ("; backend: reached, X-Client-DN=CN=alice,O=Example").
report::Verdict checked_against_backend(report::Verdict v, const scenario::Case& c, scenario::TlsVersion version,
                                        const report::BackendSeen& seen);

// "backend: reached, X-Client-DN=CN=alice" with the identity headers and those `c` sends or
// expects; "backend: not reached".
std::string backend_text(const report::BackendSeen& seen, const scenario::Case& c);

// Whether `value` matches a backend_headers pattern: exact, or a glob with `*`.
bool header_matches(const std::string& pattern, const std::string& value);

}  // namespace mtls::cases
