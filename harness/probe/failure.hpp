// Names what went wrong with a connection when no refusal explains it: the server spoke no
// TLS, closed or reset mid-handshake, ran out of time, or sent an answer too large to read.
// These are the ways a broken or hostile gateway shows itself; each has one sentence.
#pragma once

#include <string>

#include "probe/observed.hpp"

namespace mtls::probe {

enum class Failure {
  none,                    // nothing of the below (an answer, a refusal, or another error)
  not_tls,                 // the server's bytes are no TLS record (plain HTTP, garbage)
  closed_in_handshake,     // FIN during the handshake, without an alert
  reset_in_handshake,      // RST during the handshake
  handshake_timeout,       // TCP connected, the handshake did not finish in time
  response_timeout,        // handshake done, the response did not finish in time
  header_too_large,        // the response header passed the probe's header limit
  body_too_large,          // the response body passed the probe's body read limit
  closed_before_response,  // handshake done, the server closed before any response
};

struct FailureText {
  Failure kind = Failure::none;
  std::string text;  // "TLS handshake timeout after 1000 ms: ..."; empty for none
};

FailureText classify_failure(const Outcome& o);
std::string to_string(Failure f);

}  // namespace mtls::probe
