// How a probe connection ended, reduced to what an expectation or a diagnosis talks about.
// The kinds are part of the report model (report.json "observed"); the one classifier that
// assigns them is probe::classify (probe/observed.hpp).
#pragma once

#include <array>
#include <string>

namespace mtls::report {

//   accepted            HTTP 2xx/3xx
//   refused_tls         the server aborted the TLS connection (alert or close)
//   refused_http        a refusal status (400, 401, 403, 421, 495-497) after a handshake
//   answered_http_error any other 4xx/5xx (404, 500, 502...): the certificate got through,
//                       the request did not
//   tcp_failure         no TCP connection: refused, timeout, unreachable (or not attempted)
//   client_error        the client gave up on its own (e.g. it does not trust the server)
//   target_misbehaved   no TLS on the port, a timeout, an oversized answer, or an internal
//                       error in the gateway's own log: never a pass
//   version_not_offered the gateway does not speak this TLS version (protocol_version alert)
#define MTLS_OBSERVED_KINDS(X) \
  X(accepted)                  \
  X(refused_tls)               \
  X(refused_http)              \
  X(answered_http_error)       \
  X(tcp_failure)               \
  X(client_error)              \
  X(target_misbehaved)         \
  X(version_not_offered)

enum class Observed {
#define MTLS_X(kind) kind,
  MTLS_OBSERVED_KINDS(MTLS_X)
#undef MTLS_X
};

inline constexpr std::array kObservedKinds = {
#define MTLS_X(kind) Observed::kind,
    MTLS_OBSERVED_KINDS(MTLS_X)
#undef MTLS_X
};

std::string to_string(Observed);

}  // namespace mtls::report
