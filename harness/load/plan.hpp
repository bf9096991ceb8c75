// A phase resolved for the workers: identities with their files and cumulative weights,
// thread count, each thread's share of connections / rate / quota, and the timeline.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "load/options.hpp"
#include "pki/fixtures.hpp"
#include "scenario/scenario.hpp"
#include "target/target.hpp"
#include "tlsclient/credentials.hpp"

namespace mtls::load {

using Clock = std::chrono::steady_clock;

struct PlannedIdentity {
  std::string name;  // "none": no client certificate
  std::optional<tlsclient::ClientCredentials> credentials;
  std::string subject;      // RFC 2253 from the fixtures, empty for "none"
  double cumulative = 1.0;  // upper bound of this identity's share in [0, 1]
  // What the gateway owes this identity (IdentityOutcome): must it be refused, and the error
  // keys ("tls_alert:certificate_expired", "http_status:400") of the refusal its fault gets
  // from the target's profile. Must be refused with no keys: the profile has no wire form.
  bool must_refuse = false;
  std::vector<std::string> refusal_keys;
  std::string expect;
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
  std::string host;  // as the target names it: an IP address or a host name
  boost::asio::ip::address address;  // what the workers connect to (resolve_target)
  int port = 0;
  std::string server_name;
  bool send_sni = true;  // false when server_name is an IP literal
  std::string trust;
  std::string request_keep_alive;  // the GET with keep-alive
  std::string request_close;       // the last GET of a connection: Connection: close
  PhaseOptions opts;

  // The longest connections still in flight at the window's end may take to end: the
  // phase's drain_s, never more than the per-step timeout.
  Clock::duration drain{};

  // Set when the workers start: warm-up from t0, the window from measured_from to end, the
  // drain from end to drain_end at the latest.
  Clock::time_point t0, measured_from, end, drain_end;

  // Open loop: when the g-th arrival (over all threads) is due, ramp-up included.
  Clock::time_point arrival_time(std::uint64_t g) const;
  // Closed loop: when the g-th slot (over all threads) starts.
  Clock::time_point slot_start(std::uint64_t g) const;
};

// Validates and resolves; throws std::invalid_argument naming the phase and what to change.
Plan make_plan(const scenario::LoadPhase& phase, const scenario::Scenario& s,
               const pki::Fixtures& f, const target::Endpoint& ep, const PhaseOptions& opts);

}  // namespace mtls::load
