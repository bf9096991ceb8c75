// 1,000 connections that never finish a handshake (silent, or half a ClientHello) must not
// keep the embedded target from serving valid clients, and are cut at the handshake timeout.
#include <catch2/catch.hpp>

#include <chrono>
#include <poll.h>
#include <sys/resource.h>
#include <thread>
#include <vector>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "faults_support.hpp"
#include "target/embedded_server.hpp"

namespace mtls::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kStalled = 1000;

// Each stalled connection holds a descriptor here and one in the server (same process).
void raise_descriptor_limit() {
  rlimit l{};
  ::getrlimit(RLIMIT_NOFILE, &l);
  const rlim_t want = 4 * kStalled;
  if (l.rlim_cur < want) {
    l.rlim_cur = l.rlim_max == RLIM_INFINITY || l.rlim_max > want ? want : l.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &l);
  }
  ::getrlimit(RLIMIT_NOFILE, &l);
  INFO("open-files limit " << l.rlim_cur << " (hard " << l.rlim_max << ")");
  REQUIRE(l.rlim_cur >= static_cast<rlim_t>(2 * kStalled + 100));
}

int connect_raw(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (fd >= 0) ::close(fd);
    return -1;
  }
  return fd;
}

// A handshake record header announcing 512 bytes, and only the first 64 of them.
std::string half_client_hello() {
  std::string rec("\x16\x03\x01\x02\x00", 5);
  rec += std::string("\x01\x00\x01\xfc\x03\x03", 6);
  rec += std::string(58, '\x2a');
  return rec;
}

// True once the server has closed (EOF or reset) every one of fds, by `deadline`.
bool all_closed_by(std::vector<int>& fds, Clock::time_point deadline) {
  std::vector<bool> closed(fds.size(), false);
  std::size_t left = fds.size();
  while (left > 0 && Clock::now() < deadline) {
    std::vector<pollfd> p;
    std::vector<std::size_t> index;
    for (std::size_t i = 0; i < fds.size(); ++i)
      if (!closed[i]) {
        p.push_back({fds[i], POLLIN, 0});
        index.push_back(i);
      }
    if (::poll(p.data(), p.size(), 100) <= 0) continue;
    for (std::size_t k = 0; k < p.size(); ++k) {
      if (!(p[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[256];
      if (::recv(p[k].fd, buf, sizeof buf, MSG_DONTWAIT) <= 0) {
        closed[index[k]] = true;
        --left;
      }
    }
  }
  return left == 0;
}

template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit) {
  const auto until = Clock::now() + limit;
  while (Clock::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return pred();
}

}  // namespace

TEST_CASE("1,000 stalled handshakes: valid clients still served, stalled ones cut at the timeout",
          "[faults][stalled]") {
  raise_descriptor_limit();
  target::EmbeddedLimits limits;
  limits.handshake_timeout = 4000ms;
  scenario::Scenario s = faults_scenario();
  target::StartOptions opts;
  target::EmbeddedServer server(s, faults_fixtures(), opts, limits);
  const int port = server.endpoint().port;

  std::vector<int> stalled;
  const auto opened = Clock::now();
  const std::string half = half_client_hello();
  for (int i = 0; i < kStalled; ++i) {
    const int fd = connect_raw(port);
    REQUIRE(fd >= 0);
    stalled.push_back(fd);
    if (i % 2 == 1) REQUIRE(::send(fd, half.data(), half.size(), MSG_NOSIGNAL) ==
                            static_cast<ssize_t>(half.size()));
  }
  REQUIRE(eventually([&] { return server.counters().connections_accepted >= kStalled; }, 10s));

  // While all of them are held, valid mTLS clients get their answer promptly.
  for (auto v : {scenario::TlsVersion::tls1_3, scenario::TlsVersion::tls1_2,
                 scenario::TlsVersion::tls1_3}) {
    const auto o = probe::run(probe_request(port, v, 3000));
    INFO(o.curl_error);
    CHECK(o.http_status == 200);
    CHECK(o.total_ms < 1500);
  }
  CHECK(server.counters().connections_active >= kStalled);
  CHECK(server.counters().handshake_timeouts == 0);
  const auto served_by = Clock::now() - opened;
  INFO("valid clients served " << std::chrono::duration<double>(served_by).count()
                               << " s after the stalled connections were opened");
  CHECK(served_by < limits.handshake_timeout);

  // Then each stalled connection is closed by the server at its handshake timeout.
  CHECK(all_closed_by(stalled, opened + limits.handshake_timeout + 10s));
  const auto cut_after = Clock::now() - opened;
  CHECK(cut_after >= limits.handshake_timeout - 200ms);
  CHECK(eventually([&] { return server.counters().handshake_timeouts == kStalled; }, 5s));
  CHECK(server.counters().handshakes_ok == 3);
  for (int fd : stalled) ::close(fd);
  CHECK(eventually([&] { return server.counters().connections_active == 0; }, 5s));
}

}  // namespace mtls::test
