#include "embedded_client.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <stdexcept>

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/err.h>

#include "common/openssl_error.hpp"
#include "common/tls_alerts.hpp"

namespace mtls::test {
namespace {

ClientResult* result_of(const SSL* ssl) { return static_cast<ClientResult*>(SSL_get_app_data(ssl)); }

void on_info(const SSL* ssl, int where, int ret) {
  if ((where & SSL_CB_READ_ALERT) != SSL_CB_READ_ALERT || (ret >> 8) != SSL3_AL_FATAL) return;
  ClientResult* r = result_of(ssl);
  if (r != nullptr && !r->server_alert) r->server_alert = common::alert_name(ret & 0xff);
}

void on_message(int write_p, int, int content_type, const void* buf, size_t len, SSL* ssl,
                void*) {
  if (write_p || content_type != SSL3_RT_HANDSHAKE || len == 0) return;
  if (static_cast<const unsigned char*>(buf)[0] == SSL3_MT_NEWSESSION_TICKET)
    ++result_of(ssl)->tickets;
}

int on_new_session(SSL* ssl, SSL_SESSION* session) {
  result_of(ssl)->session = SessionPtr(session, SSL_SESSION_free);
  return 1;  // we keep the reference
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

int connect_to(const target::Endpoint& ep) {
  addrinfo hints{};
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(ep.host.c_str(), std::to_string(ep.port).c_str(), &hints, &found) != 0)
    throw std::runtime_error("cannot resolve " + ep.host);
  const int fd = ::socket(found->ai_family, SOCK_STREAM, 0);
  const bool ok = fd >= 0 && ::connect(fd, found->ai_addr, found->ai_addrlen) == 0;
  freeaddrinfo(found);
  if (!ok) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot connect to " + ep.host + ":" + std::to_string(ep.port) +
                             ": " + std::strerror(errno));
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  timeval tv{5, 0};  // a hung server fails the test instead of hanging it
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  return fd;
}

std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> make_context(const target::Endpoint& ep,
                                                               const ClientRun& run) {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()),
                                                        SSL_CTX_free);
  const int v = run.version == scenario::TlsVersion::tls1_3 ? TLS1_3_VERSION : TLS1_2_VERSION;
  SSL_CTX_set_min_proto_version(ctx.get(), v);
  SSL_CTX_set_max_proto_version(ctx.get(), v);
  if (SSL_CTX_load_verify_file(ctx.get(), ep.trust.c_str()) != 1)
    common::throw_openssl("cannot load server trust " + ep.trust.string());
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  SSL_CTX_set_info_callback(ctx.get(), on_info);
  SSL_CTX_set_msg_callback(ctx.get(), on_message);
  SSL_CTX_set_session_cache_mode(ctx.get(),
                                 SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_sess_set_new_cb(ctx.get(), on_new_session);
  if (run.credentials) tlsclient::use_credentials(ctx.get(), *run.credentials);
  return ctx;
}

// Reads one HTTP response (headers + Content-Length body) from `pending` and the connection.
bool read_answer(SSL* ssl, std::string& pending, HttpAnswer& out) {
  char buf[4096];
  std::size_t header_end;
  while ((header_end = pending.find("\r\n\r\n")) == std::string::npos) {
    const int n = SSL_read(ssl, buf, sizeof buf);
    if (n <= 0) return false;
    pending.append(buf, static_cast<std::size_t>(n));
  }
  const std::string head = pending.substr(0, header_end);
  pending.erase(0, header_end + 4);
  out.status = std::stoi(head.substr(head.find(' ') + 1, 3));
  for (std::size_t pos = head.find("\r\n"); pos != std::string::npos;) {
    const std::size_t next = head.find("\r\n", pos + 2);
    const std::string line = head.substr(pos + 2, next == std::string::npos ? next : next - pos - 2);
    const std::size_t colon = line.find(':');
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string value = colon + 1 < line.size() ? line.substr(colon + 1) : "";
    value.erase(0, value.find_first_not_of(' '));
    out.headers[name] = value;
    pos = next;
  }
  const std::size_t length = std::stoul(out.headers["content-length"]);
  while (pending.size() < length) {
    const int n = SSL_read(ssl, buf, sizeof buf);
    if (n <= 0) return false;
    pending.append(buf, static_cast<std::size_t>(n));
  }
  out.body = pending.substr(0, length);
  pending.erase(0, length);
  return true;
}

bool send_all(SSL* ssl, const std::string& data) {
  return SSL_write(ssl, data.data(), static_cast<int>(data.size())) == static_cast<int>(data.size());
}

std::string request_for(const std::string& path, bool last) {
  return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: " +
         (last ? "close" : "keep-alive") + "\r\n\r\n";
}

void record_error(ClientResult& r, const char* step) {
  r.error = std::string(step) + ": " + common::drain_openssl_errors();
}

}  // namespace

ClientResult run_client(const target::Endpoint& ep, const ClientRun& run) {
  ClientResult r;
  auto ctx = make_context(ep, run);
  Fd fd{connect_to(ep)};
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx.get()), SSL_free);
  SSL_set_app_data(ssl.get(), &r);
  SSL_set_fd(ssl.get(), fd.fd);
  SSL_set_tlsext_host_name(ssl.get(), ep.server_name.c_str());
  SSL_set1_host(ssl.get(), ep.server_name.c_str());
  if (run.resume) SSL_set_session(ssl.get(), run.resume.get());

  if (SSL_connect(ssl.get()) != 1) {
    record_error(r, "handshake");
    return r;
  }
  r.handshake_ok = true;
  r.tls_version = SSL_get_version(ssl.get());
  r.resumed = SSL_session_reused(ssl.get()) == 1;

  std::string pending;
  if (!run.raw_request.empty()) {
    HttpAnswer a;
    if (send_all(ssl.get(), run.raw_request) && read_answer(ssl.get(), pending, a))
      r.answers.push_back(a);
    else
      record_error(r, "raw request");
  }
  for (std::size_t i = 0; run.raw_request.empty() && i < run.paths.size(); ++i) {
    HttpAnswer a;
    // TLS 1.3: a refused certificate shows up here, as an alert instead of the answer.
    if (!send_all(ssl.get(), request_for(run.paths[i], i + 1 == run.paths.size())) ||
        !read_answer(ssl.get(), pending, a)) {
      record_error(r, "request");
      break;
    }
    r.answers.push_back(a);
  }
  // Drain to EOF so TLS 1.3 tickets sent late are counted too.
  char buf[512];
  while (SSL_read(ssl.get(), buf, sizeof buf) > 0) {
  }
  ERR_clear_error();
  SSL_shutdown(ssl.get());
  return r;
}

}  // namespace mtls::test
