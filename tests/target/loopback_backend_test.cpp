// The recording backend on its own: what it records per request id over keep-alive and chunked
// bodies, and that a huge head, a huge body or a client that stalls is cut off within its bound
// while the backend keeps serving everyone else.
#include <catch2/catch.hpp>
#include <arpa/inet.h>
#include <chrono>
#include <mutex>
#include <vector>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

#include "target/loopback_backend.hpp"

using namespace mtls;
using namespace std::chrono_literals;

namespace {

class Client {
 public:
  explicit Client(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  }
  ~Client() { ::close(fd_); }
  // false once the backend closed the connection.
  bool send(const std::string& bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
  }
  // What arrives within `wait`, up to the first complete response; "" when the backend closed.
  std::string answer(std::chrono::milliseconds wait = 3000ms) {
    std::string got;
    const auto until = std::chrono::steady_clock::now() + wait;
    while (read_some(got, until) == Read::data) {
      const auto head_end = got.find("\r\n\r\n");
      const auto len = got.find("Content-Length: ");
      if (head_end != std::string::npos && len != std::string::npos &&
          got.size() >= head_end + 4 + std::stoul(got.substr(len + 16)))
        break;
    }
    return got;
  }
  // Whether the backend closed the connection within `wait`.
  bool closed_within(std::chrono::milliseconds wait) {
    std::string ignored;
    const auto until = std::chrono::steady_clock::now() + wait;
    Read r;
    while ((r = read_some(ignored, until)) == Read::data) ignored.clear();
    return r == Read::closed;
  }

 private:
  enum class Read { data, closed, timeout };
  // One read before `until`, appended to `got`.
  Read read_some(std::string& got, std::chrono::steady_clock::time_point until) {
    while (std::chrono::steady_clock::now() < until) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      char buf[4096];
      const auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return Read::closed;
      got.append(buf, static_cast<std::size_t>(n));
      return Read::data;
    }
    return Read::timeout;
  }

  int fd_;
};

std::string get(const std::string& id, const std::string& extra = "") {
  return "GET /api/x HTTP/1.1\r\nHost: backend\r\nX-Mtls-Harness-Request: " + id + "\r\n" + extra + "\r\n";
}

target::BackendOptions small() {
  target::BackendOptions o;
  o.header_limit = 4096;
  o.body_limit = 8192;
  o.idle = 400ms;
  return o;
}

}  // namespace

TEST_CASE("recording backend: requests on one keep-alive connection, each under its id") {
  target::LoopbackBackend b(small());
  Client c(b.port());
  REQUIRE(c.send(get("a-1", "X-Client-DN: CN=alice\r\nX-Client-DN: CN=second\r\n")));
  CHECK_THAT(c.answer(), Catch::StartsWith("HTTP/1.1 200"));
  REQUIRE(c.send(get("a-2")));
  CHECK_THAT(c.answer(), Catch::StartsWith("HTTP/1.1 200"));
  const auto first = b.seen("a-1");
  REQUIRE(first);
  CHECK(first->reached);
  CHECK(first->method == "GET");
  CHECK(first->path == "/api/x");
  CHECK_THAT(first->source, Catch::StartsWith("127.0.0.1:"));
  REQUIRE(first->header("x-client-dn"));
  CHECK(*first->header("x-client-dn") == "CN=alice");  // the first of two, as applications read it
  int dn = 0;
  for (const auto& [n, v] : first->headers) dn += n == "X-Client-DN";
  CHECK(dn == 2);  // every copy is kept: a forged one behind the gateway's shows
  CHECK(b.seen("a-2"));
  CHECK_FALSE(b.seen("never-sent"));
  CHECK(b.counters().connections == 1);
  CHECK(b.counters().requests == 2);
}

TEST_CASE("recording backend: a chunked body is read and answered") {
  target::LoopbackBackend b(small());
  Client c(b.port());
  REQUIRE(c.send("POST /upload HTTP/1.1\r\nHost: b\r\nX-Mtls-Harness-Request: chunked-1\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "5\r\nhello\r\n0\r\n\r\n"));
  CHECK_THAT(c.answer(), Catch::StartsWith("HTTP/1.1 200"));
  REQUIRE(b.seen("chunked-1"));
  CHECK(b.seen("chunked-1")->method == "POST");
}

TEST_CASE("recording backend: huge heads, huge bodies and stalled clients are cut off; others still served") {
  target::LoopbackBackend b(small());
  {
    Client huge_head(b.port());
    (void)huge_head.send(get("huge-head", "X-Big: " + std::string(8000, 'a') + "\r\n"));
    CHECK(huge_head.closed_within(2000ms));
  }
  {
    Client huge_body(b.port());
    (void)huge_body.send("POST / HTTP/1.1\r\nHost: b\r\nX-Mtls-Harness-Request: huge-body\r\nContent-Length: 100000\r\n\r\n" +
                         std::string(20000, 'b'));
    CHECK(huge_body.closed_within(2000ms));
  }
  {
    Client stalled(b.port());
    REQUIRE(stalled.send("GET / HTTP/1.1\r\nHost: b\r\n"));  // and never the rest
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(stalled.closed_within(3000ms));
    CHECK(std::chrono::steady_clock::now() - t0 < 2000ms);  // the idle bound (400 ms), not the test's wait
  }
  CHECK_FALSE(b.seen("huge-head"));
  CHECK_FALSE(b.seen("huge-body"));
  Client after(b.port());
  REQUIRE(after.send(get("after")));
  CHECK_THAT(after.answer(), Catch::StartsWith("HTTP/1.1 200"));
  CHECK(b.seen("after"));
}

TEST_CASE("recording backend: every request reaches on_request, a probe's or not") {
  std::mutex m;
  std::vector<std::string> paths;
  auto o = small();
  o.on_request = [&](const report::BackendSeen& s) {
    std::lock_guard lock(m);
    paths.push_back(s.path);
  };
  target::LoopbackBackend b(std::move(o));
  Client c(b.port());
  REQUIRE(c.send("GET /healthz HTTP/1.1\r\nHost: b\r\n\r\n"));
  CHECK_THAT(c.answer(), Catch::StartsWith("HTTP/1.1 200"));
  std::lock_guard lock(m);
  CHECK(paths == std::vector<std::string>{"/healthz"});
}
