// Outcome vs expectation -> verdict, with a one-line message a person understands.
#pragma once

#include <string>

#include "probe/outcome.hpp"
#include "scenario/scenario.hpp"

namespace mtls::cases {

// How the connection ended, reduced to what an expectation talks about.
enum class Observed {
  accepted,      // HTTP 2xx/3xx
  refused_tls,   // the server aborted the TLS connection (alert or close)
  refused_http,  // HTTP 4xx/5xx after a completed handshake
  tcp_failure,   // no TCP connection: refused, timeout, unreachable
  client_error,  // the client gave up on its own (e.g. it does not trust the server)
  // The target broke the protocol or ran out of time: no TLS on the port, a handshake or
  // response timeout, an oversized response header or body (probe::classify_failure). Never a
  // pass.
  target_misbehaved,
};

enum class Status { pass, fail, error, skipped };

struct Verdict {
  Status status = Status::pass;
  Observed observed = Observed::accepted;
  std::string expected_text;  // "reject at TLS (certificate_expired)"
  std::string observed_text;  // "TLS alert certificate_expired (during handshake)"
  std::string message;        // one line; empty when passing
};

struct Judged {
  const scenario::Case& c;
  scenario::TlsVersion version;
  scenario::Fault fault;  // of the case's identity; none for "none"
  const std::string& profile;
};

Verdict judge(const Judged& what, const probe::Outcome& outcome);
Verdict skipped(const scenario::Case& c);

Observed classify(const probe::Outcome& o);
std::string describe(const probe::Outcome& o);  // observed_text
std::string to_string(Status);
std::string to_string(Observed);

}  // namespace mtls::cases
