// One client connection of the embedded target: TLS handshake under a deadline, then
// HTTP/1.1 keep-alive requests answered with the client's identity. Every error ends only
// this connection.
#pragma once

#include <atomic>
#include <memory>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "scenario/scenario.hpp"
#include "target/embedded_server.hpp"

namespace mtls::target::embedded {

// Counters shared by all sessions; padded so that threads do not false-share a line.
struct alignas(64) PaddedCounter {
  std::atomic<std::uint64_t> value{0};
  void add() { value.fetch_add(1, std::memory_order_relaxed); }
  void sub() { value.fetch_sub(1, std::memory_order_relaxed); }
  std::uint64_t get() const { return value.load(std::memory_order_relaxed); }
};

struct SharedCounters {
#define MTLS_COUNTER_FIELD(name) PaddedCounter name;
  MTLS_EMBEDDED_COUNTERS(MTLS_COUNTER_FIELD)
#undef MTLS_COUNTER_FIELD
  PaddedCounter connections_active;  // gauge: add on open, sub on close
  EmbeddedCounters snapshot() const;
};

// What every session reads; owned by the server, which outlives its sessions.
struct SessionShared {
  boost::asio::ssl::context& tls;
  const scenario::AllowList& allow;
  const EmbeddedLimits& limits;
  SharedCounters& counters;
};

// Takes ownership of an accepted socket (bound to its own strand) and runs the connection.
void start_session(boost::asio::ip::tcp::socket socket, const SessionShared& shared);

}  // namespace mtls::target::embedded
