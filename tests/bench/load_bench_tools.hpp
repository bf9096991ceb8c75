// The pieces of the load benchmark that are not the engine: a pinned nginx, the baseline
// tools (openssl s_time, ab) run as child processes with their CPU taken from wait4, and
// the cryptographic floor from `openssl speed`.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include "pki/fixtures.hpp"

namespace mtls::bench {

struct Nginx {
  pid_t master = 0;
  int port = 0;
  std::filesystem::path dir;
  ~Nginx();
};

// nginx with one worker pinned to `cpu`, mTLS required, session cache and tickets on,
// room for `max_connections` clients; listens on a free 127.0.0.1 port.
std::unique_ptr<Nginx> start_nginx(const pki::Fixtures& f, const std::filesystem::path& dir,
                                   int cpu, int max_connections);

struct ToolRun {
  double client_cpu_us = 0;  // the child's user + system time
  std::string output;        // stdout
  int exit_status = 0;
};
// Runs argv to completion (bounded by `timeout_s`, then killed).
ToolRun run_tool(const std::vector<std::string>& argv, const std::filesystem::path& scratch,
                 double timeout_s);

// µs per operation measured by `openssl speed` on `cpu`.
struct Floor {
  double ecdsa_sign_us = 0, ecdsa_verify_us = 0, x25519_us = 0, rsa_sign_us = 0,
         rsa_verify_us = 0;
  // One side of a full mTLS handshake: 2 X25519 operations (keygen + derive), 2 signature
  // verifications (peer CertificateVerify + peer leaf), 1 signature (own CertificateVerify).
  double ecdsa_handshake_us() const { return 2 * x25519_us + 2 * ecdsa_verify_us + ecdsa_sign_us; }
  double rsa_handshake_us() const { return 2 * x25519_us + 2 * rsa_verify_us + rsa_sign_us; }
};
Floor measure_floor(int cpu, const std::filesystem::path& scratch);

// A PKI the harness did not make, as a team brings its own: root and issuing CA and an ECDSA
// P-256 client leaf, made with the openssl command line under `dir`.
struct BroughtPki {
  std::filesystem::path root, cert, key, chain;
};
BroughtPki make_brought_pki(const std::filesystem::path& dir);

}  // namespace mtls::bench
