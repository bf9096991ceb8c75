// One worker thread's TLS client contexts: an SSL_CTX per identity sharing one trust store,
// all built before the phase starts and reused by every connection of that thread, so a
// handshake pays for its cryptography and little else. OpenSSL callbacks (alerts, tickets,
// new sessions, server verification) reach the connection through the SSL's app data.
#pragma once

#include <chrono>
#include <vector>

#include <openssl/ssl.h>

#include "load/plan.hpp"

namespace mtls::load {

// What a connection exposes to the OpenSSL callbacks.
class TlsEvents {
 public:
  virtual ~TlsEvents() = default;
  virtual void on_alert(bool sent, int level, int code) = 0;
  virtual void on_ticket() = 0;
  // Return true to keep the session (the callee then owns the reference).
  virtual bool on_new_session(SSL_SESSION* session) = 0;
};

// Caches the last server leaf this thread verified (see PhaseOptions).
struct VerifyCache {
  bool enabled = true;
  X509* leaf = nullptr;
  std::chrono::steady_clock::time_point expires;
  ~VerifyCache();
};

class ClientTls {
 public:
  explicit ClientTls(const Plan& plan);  // throws std::runtime_error naming the file
  ~ClientTls();
  ClientTls(const ClientTls&) = delete;
  ClientTls& operator=(const ClientTls&) = delete;

  SSL_CTX* context(std::size_t identity) const { return contexts_[identity]; }

 private:
  OSSL_LIB_CTX* library_ = nullptr;  // this thread's own, or null: OpenSSL's default
  VerifyCache cache_;
  std::vector<SSL_CTX*> contexts_;
};

}  // namespace mtls::load
