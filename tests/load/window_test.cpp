// What a phase counts and how long it runs: only what happened inside the measured window,
// the drain after it bounded and reported apart; the open-file limit checked before a phase
// starts; host names and IPv6 as target addresses.
#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>
#include <nlohmann/json.hpp>

#include "load_support.hpp"
#include "report/phase_json.hpp"

namespace mtls::test {
namespace {

load::PhaseResult run(const scenario::LoadPhase& p, const target::Endpoint& ep,
                      load::PhaseOptions o = quiet()) {
  auto r = load::run_phase(p, load_scenario(), load_fixtures(), ep, o);
  INFO(report::to_json(r).dump(2));
  return r;
}

struct SeriesSums {
  std::uint64_t connections = 0, handshakes = 0, errors = 0, refused = 0;
};

SeriesSums sums(const load::PhaseResult& r) {
  SeriesSums s;
  for (const auto& sec : r.series.seconds()) {
    s.connections += sec.connections;
    s.handshakes += sec.handshakes;
    s.errors += sec.errors;
    s.refused += sec.refused;
  }
  return s;
}

// A TCP listener that never accepts: the kernel completes connects up to the backlog, and
// then nothing ever answers a ClientHello. Every connection to it stalls in its handshake.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 64) != 0)
      throw std::runtime_error(std::string("silent listener: ") + std::strerror(errno));
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~SilentListener() { ::close(fd_); }
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;
  target::Endpoint endpoint() const {
    target::Endpoint ep;
    ep.port = port_;
    ep.trust = load_fixtures().server_trust;
    return ep;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace

TEST_CASE("window: rates, figures and the per-second series count only the measured window",
          "[load][window]") {
  auto target = serve_embedded();
  struct Row {
    const char* name;
    int connections;  // closed loop when > 0
    double rate;      // else open loop, far past what one target thread answers
    double duration_s;
  };
  const auto row = GENERATE(Row{"closed loop", 8, 0, 1.5}, Row{"open loop overload", 0, 3000, 1.5},
                            Row{"closed loop, window ends inside a second", 4, 0, 1.25});
  CAPTURE(row.name);
  scenario::LoadPhase p;
  p.name = "window";
  p.connections = row.connections;
  p.rate = row.rate;
  p.duration_s = row.duration_s;
  p.drain_s = 1;
  p.threads = 1;
  const auto r = run(p, target->endpoint());
  const auto s = sums(r);
  CHECK(r.stop_reason == "duration");
  CHECK(r.measured_s == Approx(row.duration_s).margin(1e-6));
  CHECK(r.counts.connections_ok + r.counts.connections_failed == s.connections);
  CHECK(r.counts.handshakes_ok() == s.handshakes);
  CHECK(r.counts.unexpected_errors == s.errors);
  CHECK(r.counts.refused_as_expected == s.refused);
  CHECK(r.handshakes_per_s() == Approx(static_cast<double>(r.counts.handshakes_ok()) / row.duration_s));
  CHECK(r.series.seconds().size() <= static_cast<std::size_t>(std::ceil(row.duration_s)));
  // Whatever was in flight at the window's end ended in the drain, counted there only.
  CHECK(r.drain.limit_s == Approx(1.0));
  // Cut off by the worker's sweep and at each connection's next event, on a loop that may
  // be busy with the overload on a shared 2-core machine.
  CHECK(r.drain.seconds <= r.drain.limit_s + 1.0);
  CHECK(r.phase_s <= row.duration_s + r.drain.limit_s + 1.0);
  CHECK(r.phase_s >= row.duration_s);
  if (row.rate > 0) CHECK(r.drain.counts.connections > 0);  // an overloaded target has a queue
  const auto j = report::to_json(r);
  CHECK(j.at("drain").at("counts").at("connections").get<std::uint64_t>() == r.drain.counts.connections);
  CHECK(report::phase_result_from_json(j).drain.counts.connections == r.drain.counts.connections);
}

TEST_CASE("drain: a target that never answers holds the phase only for drain_s, then its "
          "connections are cut off, not counted as errors",
          "[load][window]") {
  SilentListener silent;
  const auto drain_s = GENERATE(0.3, 1.0);
  CAPTURE(drain_s);
  scenario::LoadPhase p;
  p.name = "stalled";
  p.connections = 4;
  p.duration_s = 1;
  p.drain_s = drain_s;
  p.threads = 1;
  auto o = quiet();
  o.timeout = std::chrono::milliseconds(10000);  // far longer than the phase: the drain bounds it
  const auto started = std::chrono::steady_clock::now();
  const auto r = run(p, silent.endpoint(), o);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  CHECK(took < 1 + drain_s + 0.6);
  CHECK(r.counts.connections == 0);  // nothing ended inside the window
  CHECK(r.counts.handshakes_failed == 0);
  CHECK(r.error_rate() == 0);
  CHECK(r.drain.counts.connections_aborted == 4);
  CHECK(r.drain.counts.connections_failed == 0);
  CHECK(r.drain.seconds == Approx(drain_s).margin(0.2));
}

TEST_CASE("drain_s is bounded by the per-step timeout", "[load][window]") {
  SilentListener silent;
  scenario::LoadPhase p;
  p.name = "stalled";
  p.connections = 2;
  p.duration_s = 0.5;
  p.drain_s = 30;
  p.threads = 1;
  auto o = quiet();
  o.timeout = std::chrono::milliseconds(700);
  const auto r = run(p, silent.endpoint(), o);
  CHECK(r.drain.limit_s == Approx(0.7));
  CHECK(r.phase_s < 0.5 + 0.7 + 0.6);
  // Timed out in their handshake: errors, and they happened in the window or the drain.
  CHECK(r.counts.handshakes_failed + r.drain.counts.handshakes_failed == 2);
}

TEST_CASE("targets by host name and by IPv6 address", "[load]") {
  struct Row {
    const char* listen;   // where the embedded target listens
    const char* connect;  // what the phase is pointed at
  };
  const auto row = GENERATE(Row{"127.0.0.1", "localhost"}, Row{"::1", "::1"});
  CAPTURE(row.listen, row.connect);
  target::StartOptions so;
  so.host = row.listen;
  auto target = target::start_embedded(load_scenario(), load_fixtures(), so);
  auto ep = target->endpoint();
  ep.host = row.connect;
  const auto r = run(short_phase(10, 2), ep);
  CHECK(r.counts.connections_ok == 10);
  CHECK(r.errors.total() == 0);
}

TEST_CASE("a closed loop that cannot fit under the open-file limit is refused before it starts",
          "[load]") {
  // In a child: the limit is lowered for good there, and the parent keeps its own.
  int out[2];
  REQUIRE(::pipe(out) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(out[0]);
    rlimit low{300, 300};
    std::string message = "setrlimit failed";
    if (::setrlimit(RLIMIT_NOFILE, &low) == 0) {
      scenario::LoadPhase p = short_phase(10, 500);
      try {
        load::run_phase(p, load_scenario(), load_fixtures(), target::Endpoint{}, quiet());
        message = "the phase ran";
      } catch (const std::invalid_argument& e) {
        message = e.what();
      } catch (const std::exception& e) {
        message = std::string("other error: ") + e.what();
      }
    }
    (void)!::write(out[1], message.data(), message.size());
    ::_exit(0);
  }
  ::close(out[1]);
  std::string message;
  char buf[1024];
  for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) > 0;) message.append(buf, static_cast<std::size_t>(n));
  ::close(out[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  CAPTURE(message);
  // quiet() runs the target in process: two descriptors per connection.
  CHECK_THAT(message, Catch::Contains("500 connections need 1000 open files (2 per connection"));
  CHECK_THAT(message, Catch::Contains("under the open-file limit 300 (hard limit 300"));
  CHECK_THAT(message, Catch::Contains("lower connections, or raise the limit"));
}

}  // namespace mtls::test
