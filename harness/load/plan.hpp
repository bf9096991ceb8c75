// A phase resolved for the workers: identities with their files and cumulative weights,
// thread count, each thread's share of connections / rate / quota, and the timeline.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "load/engine.hpp"
#include "tlsclient/credentials.hpp"

namespace mtls::load {

using Clock = std::chrono::steady_clock;

struct PlannedIdentity {
  std::string name;  // "none": no client certificate
  std::optional<tlsclient::ClientCredentials> credentials;
  std::string subject;      // RFC 2253 from the fixtures, empty for "none"
  double cumulative = 1.0;  // upper bound of this identity's share in [0, 1]
};

struct ThreadPlan {
  int index = 0;
  int slots = 0;              // closed loop: concurrent connections of this thread
  std::int64_t quota = 0;     // measured connections this thread may start; 0: unbounded
};

struct Plan {
  scenario::LoadPhase phase;
  bool open_loop = false;
  int threads = 1;
  std::vector<PlannedIdentity> identities;
  std::vector<ThreadPlan> per_thread;
  std::string host;
  int port = 0;
  std::string server_name;
  bool send_sni = true;  // false when server_name is an IP literal
  std::string trust;
  std::string request_keep_alive;  // the GET with keep-alive
  std::string request_close;       // the last GET of a connection: Connection: close
  PhaseOptions opts;

  // Set when the workers start.
  Clock::time_point t0, measured_from, end;

  // Open loop: when the g-th arrival (over all threads) is due, ramp-up included.
  Clock::time_point arrival_time(std::uint64_t g) const;
  // Closed loop: when the g-th slot (over all threads) starts.
  Clock::time_point slot_start(std::uint64_t g) const;
};

// Validates and resolves; throws std::invalid_argument naming the phase and what to change.
Plan make_plan(const scenario::LoadPhase& phase, const scenario::Scenario& s,
               const pki::Fixtures& f, const target::Endpoint& ep, const PhaseOptions& opts);

}  // namespace mtls::load
