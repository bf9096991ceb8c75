// A misbehaving server for the fault tests: it listens on a loopback port and treats every
// connection the same hostile way, so the probe, the load engine and diagnose can be shown
// what a broken or malicious gateway looks like. Plain sockets and blocking OpenSSL on one
// thread per connection; every wait is bounded and the destructor stops and joins them all.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mtls::test {

enum class Hostility {
  plain_http,           // reads the ClientHello, answers "HTTP/1.1 400" in clear text
  garbage,              // reads the ClientHello, answers bytes that are no TLS record
  close_mid_handshake,  // reads the ClientHello, closes (FIN)
  reset_mid_handshake,  // reads the ClientHello, resets the connection (RST)
  never_answers,        // accepts, reads, never writes
  huge_header,          // real TLS handshake, then a 10 MB response header
  huge_body,            // real TLS handshake, then a 10 MB response body
  slow_drip,            // real TLS handshake, then the response at 1 byte per 100 ms
};

const char* to_string(Hostility h);

// The TLS modes use this certificate chain and key (the fixture server's, so the client
// trusts it and the fault is in what follows the handshake).
struct PeerIdentity {
  std::filesystem::path fullchain;
  std::filesystem::path key;
};

class HostilePeer {
 public:
  HostilePeer(Hostility mode, const PeerIdentity& id);
  ~HostilePeer();
  HostilePeer(const HostilePeer&) = delete;
  HostilePeer& operator=(const HostilePeer&) = delete;

  int port() const { return port_; }
  int accepted() const { return accepted_.load(); }

 private:
  void accept_loop();
  void serve(int fd);

  Hostility mode_;
  struct Tls;
  std::unique_ptr<Tls> tls_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> conns_;
};

}  // namespace mtls::test
