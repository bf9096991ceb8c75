// The embedded target as a class: what start_embedded returns, and what a foreground
// `serve` command runs. Asio stays behind the pimpl so this header is cheap to include.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "target/target.hpp"

namespace mtls::target {

// Declared once, used by the struct, its snapshot and anything that prints them.
#define MTLS_EMBEDDED_COUNTERS(X)                                                      \
  X(connections_accepted)   /* TCP connections taken into a session */                 \
  X(connections_refused)    /* closed at once: the concurrent-connection cap was hit */ \
  X(handshakes_ok)          /* TLS handshakes completed, full or resumed */            \
  X(handshakes_resumed)     /* ... of which resumed a session */                        \
  X(handshakes_failed)      /* handshakes that ended in an error or alert */            \
  X(handshake_timeouts)     /* ... of which ran out of time */                          \
  X(requests)               /* HTTP requests answered (any status) */                   \
  X(requests_refused)       /* ... of which 403 by the allow-list */                    \
  X(requests_malformed)     /* unparsable / oversized requests answered 400 */

struct EmbeddedCounters {
#define MTLS_COUNTER_FIELD(name) std::uint64_t name = 0;
  MTLS_EMBEDDED_COUNTERS(MTLS_COUNTER_FIELD)
#undef MTLS_COUNTER_FIELD
  std::uint64_t connections_active = 0;  // a gauge, not a counter
};

// Bounds that keep one misbehaving client from holding the server.
struct EmbeddedLimits {
  std::chrono::milliseconds handshake_timeout{10'000};
  std::chrono::milliseconds idle_timeout{30'000};      // keep-alive wait for the next request
  std::chrono::milliseconds shutdown_timeout{1'000};   // wait for the client's close_notify
  int max_connections = 4096;                          // beyond: accepted and closed at once
  std::uint32_t header_limit = 16 * 1024;              // bytes, request line + headers
  std::uint64_t body_limit = 1024 * 1024;
};

class EmbeddedServer final : public RunningTarget {
 public:
  // Listens and runs opts.threads io threads before returning. Throws TargetError when the
  // PKI files cannot be loaded or the address cannot be bound.
  EmbeddedServer(const scenario::Scenario& s, const pki::Fixtures& f, const StartOptions& opts,
                 const EmbeddedLimits& limits = {});
  ~EmbeddedServer() override;
  EmbeddedServer(const EmbeddedServer&) = delete;
  EmbeddedServer& operator=(const EmbeddedServer&) = delete;

  Endpoint endpoint() const override;
  std::string describe() const override;
  bool replace_crls(const std::string& pem) override;
  void stop() override;

  EmbeddedCounters counters() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Runs the embedded target in the calling thread's foreground: starts it, hands it to
// `on_ready` (print the endpoint there), polls `keep_running` every `poll` and stops when it
// returns false (e.g. after SIGINT set a flag). Returns the final counters.
EmbeddedCounters run_embedded_foreground(
    const scenario::Scenario& s, const pki::Fixtures& f, const StartOptions& opts,
    const std::function<bool()>& keep_running,
    const std::function<void(const EmbeddedServer&)>& on_ready = {},
    std::chrono::milliseconds poll = std::chrono::milliseconds(100));

}  // namespace mtls::target
