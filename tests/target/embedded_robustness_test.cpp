// The embedded target's lifecycle and its defences: keep-alive, malformed and oversized
// requests, plaintext garbage, stalled handshakes, the connection cap, counters, stop().
#include <catch2/catch.hpp>

#include <chrono>
#include <cstring>
#include <thread>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "common/process.hpp"
#include "embedded_support.hpp"

namespace mtls::test {
namespace {

using namespace std::chrono_literals;
using scenario::TlsVersion;

// A raw TCP connection to the target, for clients that never speak TLS properly.
class RawConnection {
 public:
  explicit RawConnection(const target::Endpoint& ep) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(ep.port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    timeval tv{5, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~RawConnection() { ::close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  void send(const std::string& data) { REQUIRE(::send(fd_, data.data(), data.size(), 0) > 0); }
  // Bytes until the server closes; stops early after 5 s of silence.
  std::string read_to_close() {
    std::string out;
    char buf[1024];
    ssize_t n;
    while ((n = ::recv(fd_, buf, sizeof buf, 0)) > 0) out.append(buf, static_cast<size_t>(n));
    closed_ = n == 0;
    return out;
  }
  bool closed_by_server() const { return closed_; }

 private:
  int fd_;
  bool closed_ = false;
};

// Counters are bumped on the server's threads, a moment after the client saw the outcome.
template <typename Pred>
bool eventually(Pred pred) {
  for (int i = 0; i < 200; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

}  // namespace

TEST_CASE("keep-alive serves several requests on one connection", "[embedded][http]") {
  const TlsVersion v = GENERATE(TlsVersion::tls1_2, TlsVersion::tls1_3);
  auto server = serve(strict_target());
  ClientRun run = as("valid", v);
  run.paths = {"/a", "/b?x=1", "/c/d"};
  const ClientResult r = run_client(server->endpoint(), run);
  REQUIRE(r.answers.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(r.answers[i].status == 200);
    CHECK(nlohmann::json::parse(r.answers[i].body).at("path") == run.paths[i]);
  }
  CHECK(eventually([&] { return server->counters().requests == 3; }));
  CHECK(server->counters().handshakes_ok == 1);
}

TEST_CASE("malformed and oversized requests get 400 and a close", "[embedded][http]") {
  const std::string request = GENERATE(
      std::string("NOT HTTP AT ALL\r\n\r\n"),
      "GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + std::string(20 * 1024, 'a') + "\r\n\r\n",
      std::string("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 99999999\r\n\r\n"));
  auto server = serve(strict_target());
  ClientRun run = as("valid", TlsVersion::tls1_3);
  run.raw_request = request;
  const ClientResult r = run_client(server->endpoint(), run);
  REQUIRE(r.answers.size() == 1);
  CHECK(r.answers[0].status == 400);
  CHECK(r.answers[0].headers.at("connection") == "close");
  CHECK(eventually([&] { return server->counters().requests_malformed == 1; }));
}

TEST_CASE("plaintext garbage costs one failed handshake and nothing else", "[embedded][robust]") {
  auto server = serve(strict_target());
  {
    RawConnection raw(server->endpoint());
    raw.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    raw.read_to_close();
    CHECK(raw.closed_by_server());
  }
  CHECK(eventually([&] { return server->counters().handshakes_failed == 1; }));
  const ClientResult r = run_client(server->endpoint(), as("valid", TlsVersion::tls1_3));
  REQUIRE(r.answers.size() == 1);
  CHECK(r.answers[0].status == 200);
}

TEST_CASE("a stalled handshake is cut at the handshake timeout", "[embedded][robust]") {
  target::EmbeddedLimits limits;
  limits.handshake_timeout = 200ms;
  auto server = serve(strict_target(), limits);
  RawConnection raw(server->endpoint());
  const auto start = std::chrono::steady_clock::now();
  raw.read_to_close();
  const auto waited = std::chrono::steady_clock::now() - start;
  CHECK(raw.closed_by_server());
  CHECK(waited >= 150ms);
  CHECK(waited < 3s);
  CHECK(eventually([&] { return server->counters().handshake_timeouts == 1; }));
}

TEST_CASE("connections beyond the cap are closed at once", "[embedded][robust]") {
  target::EmbeddedLimits limits;
  limits.max_connections = 1;
  auto server = serve(strict_target(), limits);
  RawConnection holder(server->endpoint());  // takes the only slot, says nothing
  REQUIRE(eventually([&] { return server->counters().connections_active == 1; }));
  RawConnection extra(server->endpoint());
  CHECK(extra.read_to_close().empty());
  CHECK(extra.closed_by_server());
  CHECK(server->counters().connections_refused == 1);
}

TEST_CASE("counters count handshakes and refusals", "[embedded][counters]") {
  auto server = serve(strict_target());
  run_client(server->endpoint(), as("valid", TlsVersion::tls1_3));
  run_client(server->endpoint(), as("not-allowed", TlsVersion::tls1_3));
  run_client(server->endpoint(), as("expired", TlsVersion::tls1_2));
  REQUIRE(eventually([&] { return server->counters().connections_active == 0; }));
  const auto c = server->counters();
  CHECK(c.connections_accepted == 3);
  CHECK(c.handshakes_ok == 2);
  CHECK(c.handshakes_failed == 1);
  CHECK(c.requests == 2);
  CHECK(c.requests_refused == 1);
}

TEST_CASE("several io threads serve concurrent clients", "[embedded][threads]") {
  auto server = serve(strict_target(), {}, 4);
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i)
    clients.emplace_back([&] {
      for (int j = 0; j < 5; ++j) {
        const auto r = run_client(server->endpoint(), as("valid", TlsVersion::tls1_3));
        if (r.answers.size() == 1 && r.answers[0].status == 200) ++ok;
      }
    });
  for (auto& c : clients) c.join();
  CHECK(ok == 40);
  CHECK(server->describe().find("threads=4") != std::string::npos);
}

TEST_CASE("stop() frees the port, is idempotent, and a new server starts", "[embedded][lifecycle]") {
  auto server = serve(strict_target());
  const auto ep = server->endpoint();
  CHECK(ep.port > 0);
  CHECK(ep.host == "127.0.0.1");
  CHECK(ep.server_name == "localhost");
  CHECK(ep.trust == fixtures().server_trust);
  CHECK(server->describe() ==
        "embedded (verify=required, crl=on, depth=2, tls 1.2-1.3, cache=on, tickets=on, "
        "threads=1)");
  server->stop();
  server->stop();
  CHECK_FALSE(common::wait_until_listening(ep.host, ep.port, 200ms));

  scenario::Scenario s;
  s.target = strict_target();
  target::StartOptions opts;
  opts.port = ep.port;  // reuse_address: the same port is available again at once
  target::EmbeddedServer again(s, fixtures(), opts);
  CHECK(again.endpoint().port == ep.port);
  CHECK(run_client(again.endpoint(), as("valid", TlsVersion::tls1_2)).answers.size() == 1);
}

TEST_CASE("start errors name what failed", "[embedded][lifecycle]") {
  scenario::Scenario s;
  s.target = strict_target();
  SECTION("non-numeric host") {
    target::StartOptions opts;
    opts.host = "localhost";
    CHECK_THROWS_WITH(target::EmbeddedServer(s, fixtures(), opts),
                      Catch::Contains("not a numeric IP address"));
  }
  SECTION("missing server key") {
    pki::Fixtures broken = fixtures();
    broken.server_key = broken.dir / "no-such-key.pem";
    CHECK_THROWS_WITH(target::EmbeddedServer(s, broken, {}),
                      Catch::Contains("cannot load server key") &&
                          Catch::Contains("no-such-key.pem"));
  }
  SECTION("port in use") {
    target::EmbeddedServer first(s, fixtures(), {});
    target::StartOptions opts;
    opts.port = first.endpoint().port;
    // Two listeners with SO_REUSEADDR still cannot share a port that is listening.
    CHECK_THROWS_WITH(target::EmbeddedServer(s, fixtures(), opts),
                      Catch::Contains("cannot listen on 127.0.0.1:" + std::to_string(opts.port)));
  }
}

TEST_CASE("run_embedded_foreground serves until told to stop", "[embedded][lifecycle]") {
  scenario::Scenario s;
  s.target = strict_target();
  std::atomic<bool> done{false};
  int answered = 0;
  const auto counters = target::run_embedded_foreground(
      s, fixtures(), {}, [&] { return !done.load(); },
      [&](const target::EmbeddedServer& server) {
        std::thread([&, ep = server.endpoint()] {
          answered = static_cast<int>(run_client(ep, as("valid", TlsVersion::tls1_3)).answers.size());
          done = true;
        }).detach();
      },
      10ms);
  CHECK(answered == 1);
  CHECK(counters.requests == 1);
}

}  // namespace mtls::test
