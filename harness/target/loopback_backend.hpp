// The backend a user's gateway config proxies to in a harness run: every upstream of the
// config is rewritten to this HTTP/1.1 server on loopback, which answers 200 with a small
// JSON body (method, path, and the headers the gateway forwarded) and records each request
// by the probe's request id header, so a case can ask what reached the application. Bounded:
// request head and body sizes, idle time per connection, and the number of records kept. It
// runs on its own thread until stopped; Beast and Asio stay behind the pimpl.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "report/model/backend_seen.hpp"

namespace mtls::target {

struct BackendCounters {
  std::uint64_t connections = 0;
  std::uint64_t requests = 0;
};

class LoopbackBackend {
 public:
  // Binds host:0 and starts serving before returning; throws TargetError when it cannot bind.
  explicit LoopbackBackend(const std::string& host);
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
