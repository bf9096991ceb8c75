// The backend a user's gateway config proxies to in a harness run: every upstream of the
// config is rewritten to this HTTP/1.1 server on loopback, which answers 200 with a small
// JSON body (method, path, and the headers the gateway forwarded) and records each request
// by the probe's request id header, so a case can ask what reached the application. Bounded:
// request head and body sizes, idle time per connection, and the number of records kept. It
// runs on its own thread until stopped; Beast and Asio stay behind the pimpl.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "report/model/backend_seen.hpp"

namespace mtls::target {

// Where the backend listens and what it bounds. The defaults are those of a harness run.
struct BackendOptions {
  std::string host = "127.0.0.1";
  int port = 0;                                 // 0: any free port
  std::uint64_t body_limit = 1024 * 1024;       // a larger request body closes the connection
  std::uint32_t header_limit = 64 * 1024;       // so does a larger request head
  std::chrono::milliseconds idle{30'000};       // and this long without a byte
  // Called on the backend's thread for every request it answers, a probe's or not
  // (`mtls-harness backend` prints them).
  std::function<void(const report::BackendSeen&)> on_request;
};

struct BackendCounters {
  std::uint64_t connections = 0;
  std::uint64_t requests = 0;
};

class LoopbackBackend {
 public:
  // Binds host:0 and starts serving before returning; throws TargetError when it cannot bind.
  explicit LoopbackBackend(const std::string& host);
  explicit LoopbackBackend(BackendOptions options);
  ~LoopbackBackend();
  LoopbackBackend(const LoopbackBackend&) = delete;
  LoopbackBackend& operator=(const LoopbackBackend&) = delete;

  int port() const;
  std::string address() const;  // "127.0.0.1:PORT" ("[::1]:PORT"), as a config names it
  BackendCounters counters() const;
  // The request that carried report::kRequestIdHeader = `id`; nullopt when none arrived.
  std::optional<report::BackendSeen> seen(const std::string& id) const;
  void stop();  // idempotent

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mtls::target
