#include "hostile_peer.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace mtls::test {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kLongest = 30s;  // no connection is held longer than this, whatever happens

void set_timeouts(int fd, std::chrono::milliseconds t) {
  timeval tv{static_cast<time_t>(t.count() / 1000), static_cast<suseconds_t>(t.count() % 1000 * 1000)};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

// Waits until fd is readable, the stop flag is set or `limit` passes.
bool readable(int fd, const std::atomic<bool>& stop, std::chrono::milliseconds limit) {
  const auto until = Clock::now() + limit;
  while (!stop.load() && Clock::now() < until) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) > 0) return true;
  }
  return false;
}

// The client's first flight (its ClientHello): read once it arrives.
void read_client_hello(int fd, const std::atomic<bool>& stop) {
  char buf[16 * 1024];
  if (readable(fd, stop, 5s)) (void)::recv(fd, buf, sizeof buf, 0);
}

void send_all(int fd, const std::string& data) {
  (void)::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
}

// Holds the connection until the client gives up (EOF or error) or the peer stops.
void hold_until_client_leaves(int fd, const std::atomic<bool>& stop) {
  char buf[4096];
  const auto until = Clock::now() + kLongest;
  while (!stop.load() && Clock::now() < until) {
    if (!readable(fd, stop, 100ms)) continue;
    if (::recv(fd, buf, sizeof buf, 0) <= 0) return;
  }
}

// Reads a request up to the end of its header (bounded in bytes and time).
bool read_request(SSL* ssl) {
  std::string got;
  char buf[4096];
  while (got.find("\r\n\r\n") == std::string::npos && got.size() < 64 * 1024) {
    const int n = SSL_read(ssl, buf, sizeof buf);
    if (n <= 0) return false;
    got.append(buf, static_cast<std::size_t>(n));
  }
  return true;
}

bool ssl_write(SSL* ssl, const std::string& data) {
  return SSL_write(ssl, data.data(), static_cast<int>(data.size())) > 0;
}

}  // namespace

const char* to_string(Hostility h) {
  switch (h) {
    case Hostility::plain_http: return "plain_http";
    case Hostility::garbage: return "garbage";
    case Hostility::close_mid_handshake: return "close_mid_handshake";
    case Hostility::reset_mid_handshake: return "reset_mid_handshake";
    case Hostility::never_answers: return "never_answers";
    case Hostility::huge_header: return "huge_header";
    case Hostility::huge_body: return "huge_body";
    case Hostility::slow_drip: return "slow_drip";
  }
  return "?";
}

struct HostilePeer::Tls {
  SSL_CTX* ctx = nullptr;
  ~Tls() { SSL_CTX_free(ctx); }
};

HostilePeer::HostilePeer(Hostility mode, const PeerIdentity& id) : mode_(mode), tls_(new Tls) {
  // A client that leaves mid-write must cost an error return, not the test process.
  std::signal(SIGPIPE, SIG_IGN);
  if (mode == Hostility::huge_header || mode == Hostility::huge_body ||
      mode == Hostility::slow_drip) {
    tls_->ctx = SSL_CTX_new(TLS_server_method());
    if (!tls_->ctx || SSL_CTX_use_certificate_chain_file(tls_->ctx, id.fullchain.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(tls_->ctx, id.key.c_str(), SSL_FILETYPE_PEM) != 1)
      throw std::runtime_error("hostile peer: cannot load " + id.fullchain.string() + " / " +
                               id.key.string());
    SSL_CTX_set_min_proto_version(tls_->ctx, TLS1_2_VERSION);
  }
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::listen(listen_fd_, 128) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const std::string why = std::strerror(errno);
    ::close(listen_fd_);
    throw std::runtime_error("hostile peer: cannot listen on 127.0.0.1: " + why);
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

HostilePeer::~HostilePeer() {
  stop_ = true;
  acceptor_.join();
  ::close(listen_fd_);
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& t : conns_) t.join();
}

void HostilePeer::accept_loop() {
  while (!stop_.load()) {
    if (!readable(listen_fd_, stop_, 100ms)) continue;
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    ++accepted_;
    std::lock_guard<std::mutex> lock(mu_);
    conns_.emplace_back([this, fd] {
      serve(fd);
      ::close(fd);
    });
  }
}

void HostilePeer::serve(int fd) {
  switch (mode_) {
    case Hostility::plain_http:
      read_client_hello(fd, stop_);
      send_all(fd,
               "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 24\r\n"
               "Connection: close\r\n\r\nThis port speaks HTTP.\r\n");
      ::shutdown(fd, SHUT_WR);
      return hold_until_client_leaves(fd, stop_);
    case Hostility::garbage: {
      read_client_hello(fd, stop_);
      std::string junk;
      for (int i = 0; i < 64; ++i) junk += static_cast<char>(0xde ^ (i * 37));
      send_all(fd, junk);
      ::shutdown(fd, SHUT_WR);
      return hold_until_client_leaves(fd, stop_);
    }
    case Hostility::close_mid_handshake:
      read_client_hello(fd, stop_);
      ::shutdown(fd, SHUT_WR);  // a FIN, not the RST a close() with unread bytes would send
      return hold_until_client_leaves(fd, stop_);
    case Hostility::reset_mid_handshake: {
      read_client_hello(fd, stop_);
      const linger hard{1, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
      return;  // the close() after serve() sends the RST
    }
    case Hostility::never_answers:
      return hold_until_client_leaves(fd, stop_);
    case Hostility::huge_header:
    case Hostility::huge_body:
    case Hostility::slow_drip:
      break;
  }

  set_timeouts(fd, 2000ms);
  SSL* ssl = SSL_new(tls_->ctx);
  SSL_set_fd(ssl, fd);
  if (SSL_accept(ssl) == 1 && read_request(ssl)) {
    if (mode_ == Hostility::huge_header) {
      // 10 MB of header in 1 KiB lines, then nothing: no client should take all of it.
      const std::string line = "X-Filler: " + std::string(1014, 'a') + "\r\n";
      bool ok = ssl_write(ssl, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n");
      for (int i = 0; ok && i < 10 * 1024 && !stop_.load(); ++i) ok = ssl_write(ssl, line);
      if (ok) ssl_write(ssl, "\r\n");
    } else if (mode_ == Hostility::huge_body) {
      constexpr int kChunks = 10 * 1024;  // of 1 KiB: 10 MB, as its Content-Length says
      bool ok = ssl_write(ssl, "HTTP/1.1 200 OK\r\nContent-Length: " +
                                   std::to_string(kChunks * 1024) + "\r\n\r\n");
      const std::string chunk(1024, 'b');
      for (int i = 0; ok && i < kChunks && !stop_.load(); ++i) ok = ssl_write(ssl, chunk);
    } else {
      const std::string response = "HTTP/1.1 200 OK\r\nX-Drip: " + std::string(600, 'd') +
                                   "\r\nContent-Length: 2\r\n\r\nok";
      for (std::size_t i = 0; i < response.size() && !stop_.load(); ++i) {
        if (!ssl_write(ssl, response.substr(i, 1))) break;
        std::this_thread::sleep_for(100ms);
      }
    }
  }
  ERR_clear_error();
  SSL_free(ssl);
}

}  // namespace mtls::test
