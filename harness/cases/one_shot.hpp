// A blocking one-connection mTLS client for checks that need a handful of exact handshakes
// in order (offer this session, then that one), not throughput: the revoked-resumption check.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <openssl/ssl.h>

#include "scenario/scenario.hpp"
#include "target/target.hpp"
#include "tlsclient/credentials.hpp"

namespace mtls::cases {

struct SessionFree {
  void operator()(SSL_SESSION* s) const { SSL_SESSION_free(s); }
};
using Session = std::unique_ptr<SSL_SESSION, SessionFree>;

struct OneShotResult {
  bool handshake_ok = false;
  bool resumed = false;
  int status = 0;      // HTTP status of the answer, 0 when none arrived
  std::string error;   // "", "tls_alert:certificate_revoked", "tls:eof", "connect:..."
  Session session;     // the session to resume next time (ID or the last ticket)

  bool accepted() const { return error.empty() && status / 100 == 2; }
  // No TCP connection: the target is not there, which says nothing about a certificate.
  bool unreachable() const { return error.rfind("connect:", 0) == 0; }
  std::string describe() const;  // "HTTP 200", "HTTP 400", "TLS alert certificate_revoked"
};

class OneShotClient {
 public:
  // Throws std::runtime_error when the trust file or the credentials cannot be loaded.
  OneShotClient(const target::Endpoint& ep, scenario::TlsVersion version,
                scenario::Resumption resumption, const tlsclient::ClientCredentials& creds,
                std::chrono::milliseconds timeout);
  ~OneShotClient();
  OneShotClient(const OneShotClient&) = delete;
  OneShotClient& operator=(const OneShotClient&) = delete;

  // One connection: handshake (offering `offer` when given), GET path, read to the end.
  OneShotResult get(const std::string& path, SSL_SESSION* offer = nullptr) const;

 private:
  target::Endpoint ep_;
  std::chrono::milliseconds timeout_;
  SSL_CTX* ctx_ = nullptr;
};

}  // namespace mtls::cases
