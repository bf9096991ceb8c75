// Whether libssl really reaches this program's cache paths. Interposition is decided by the
// linker and the dynamic loader, not by the code: an executable linked without the export
// list, a libssl built with direct binding, or a preloaded library that defines the same
// functions would leave the caches silently unused, and the figures would then describe a
// client other than the one the report claims. The load engine asks before a phase that uses
// a cache, and refuses to run when the answer is no.
#pragma once

#include <string>
#include <vector>

namespace mtls::interpose {

struct Reach {
  bool peer_certificates = false;  // libssl's d2i_X509 reaches CertCache
  bool fetched_methods = false;    // libssl's EVP_*_fetch reach FetchCache
  std::string problem;             // what failed, for the error; empty when both are reached
};

// Checked once per process (on first call; thread-safe), in memory: an SSL_CTX is made and
// given a certificate with each cache installed on the calling thread.
const Reach& self_check();

// A fresh self-signed P-256 certificate as DER, what libssl parses with d2i_X509 (empty if
// OpenSSL could not make one).
std::vector<unsigned char> throwaway_certificate_der();

}  // namespace mtls::interpose
