// The library's own floor for the load benchmark: full and resumed mTLS handshakes between an
// OpenSSL client and an OpenSSL server in one thread over a memory BIO pair. No sockets, no
// event loop, no HTTP: what OpenSSL 3 itself costs the client for the same certificates and
// settings. The client is the engine's own TLS setup (load::ClientTls) with its verification
// cache off and none of its OpenSSL caches installed: stock OpenSSL.
#pragma once

#include "pki/fixtures.hpp"
#include "scenario/scenario.hpp"

namespace mtls::bench {

struct TlsFloor {
  double client_us = 0;    // client CPU (thread time around the client's calls) per handshake
  double hs_per_s = 0;     // both sides in one thread: a figure of the pair, not of a server
  std::uint64_t handshakes = 0;
  std::uint64_t resumed = 0;  // of those, resumed (SSL_session_reused)
};

// Runs handshakes for about `seconds`; throws std::runtime_error when one fails.
TlsFloor measure_tls_floor(const scenario::Scenario& s, const pki::Fixtures& f,
                           scenario::TlsVersion v, bool resumed, double seconds);

}  // namespace mtls::bench
