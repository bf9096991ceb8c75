#include "cases/one_shot.hpp"

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/time.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "common/files.hpp"
#include "common/openssl_error.hpp"
#include "common/tls_alerts.hpp"

namespace mtls::cases {
namespace {

constexpr std::size_t kMaxAnswer = 64 * 1024;

int alert_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

// Remembers the last fatal alert the server sent (the refusal's name).
void on_message(int write_p, int, int content_type, const void* buf, size_t len, SSL* ssl, void*) {
  const auto* b = static_cast<const unsigned char*>(buf);
  if (write_p || content_type != SSL3_RT_ALERT || len < 2 || (b[0] != 2 && b[1] == 0)) return;
  SSL_set_ex_data(ssl, alert_index(), reinterpret_cast<void*>(static_cast<intptr_t>(b[1]) + 1));
}

std::string error_of(SSL* ssl, int ret) {
  if (void* a = SSL_get_ex_data(ssl, alert_index())) {
    ERR_clear_error();
    return "tls_alert:" + common::alert_name(static_cast<int>(reinterpret_cast<intptr_t>(a)) - 1);
  }
  const int e = SSL_get_error(ssl, ret);
  const unsigned long code = ERR_peek_error();
  std::string key;
  if (e == SSL_ERROR_ZERO_RETURN) key = "tls:closed";
  else if (e == SSL_ERROR_SYSCALL && code == 0)
    key = errno == EAGAIN || errno == EWOULDBLOCK ? "timeout" : errno == ECONNRESET ? "tls:reset" : "tls:eof";
  else if (code != 0) {
    const char* reason = ERR_reason_error_string(code);
    key = std::string("tls:") + (reason ? reason : "error");
  } else {
    key = "tls:error " + std::to_string(e);
  }
  ERR_clear_error();
  return key;
}

int status_of(const std::string& answer) {
  // "HTTP/1.1 200 OK": the three digits after the first space.
  const auto sp = answer.find(' ');
  if (answer.rfind("HTTP/", 0) != 0 || sp == std::string::npos || answer.size() < sp + 4) return 0;
  int status = 0;
  for (std::size_t i = sp + 1; i < sp + 4; ++i) {
    if (answer[i] < '0' || answer[i] > '9') return 0;
    status = status * 10 + (answer[i] - '0');
  }
  return status;
}

std::string connect_address(const target::Endpoint& ep) {
  const bool v6 = ep.host.find(':') != std::string::npos;
  return (v6 ? "[" + ep.host + "]" : ep.host) + ":" + std::to_string(ep.port);
}

void set_timeouts(int fd, std::chrono::milliseconds t) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(t.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((t.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

}  // namespace

std::string OneShotResult::describe() const {
  if (!error.empty()) {
    if (error.rfind("tls_alert:", 0) == 0) return "TLS alert " + error.substr(10);
    return error;
  }
  return status ? "HTTP " + std::to_string(status) : "no answer";
}

OneShotClient::OneShotClient(const target::Endpoint& ep, scenario::TlsVersion version,
                             scenario::Resumption resumption,
                             const tlsclient::ClientCredentials& creds,
                             std::chrono::milliseconds timeout)
    : ep_(ep), timeout_(timeout), ctx_(SSL_CTX_new(TLS_client_method())) {
  if (!ctx_) common::throw_openssl("one-shot client: SSL_CTX_new");
  try {
    const int v = version == scenario::TlsVersion::tls1_3 ? TLS1_3_VERSION : TLS1_2_VERSION;
    SSL_CTX_set_min_proto_version(ctx_, v);
    SSL_CTX_set_max_proto_version(ctx_, v);
    common::check_input_file(ep.trust);  // a FIFO or /dev/zero is refused, never read
    if (SSL_CTX_load_verify_file(ctx_, ep.trust.c_str()) != 1)
      common::throw_openssl("one-shot client: cannot load server trust " + ep.trust.string());
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx_);
    if (X509_VERIFY_PARAM_set1_ip_asc(param, ep.server_name.c_str()) != 1) {
      ERR_clear_error();
      X509_VERIFY_PARAM_set1_host(param, ep.server_name.c_str(), 0);
    }
    // Sessions are handed to the caller (SSL_get1_session), never kept in OpenSSL's cache.
    SSL_CTX_set_session_cache_mode(ctx_, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    if (resumption == scenario::Resumption::session_id) SSL_CTX_set_options(ctx_, SSL_OP_NO_TICKET);
    alert_index();
    SSL_CTX_set_msg_callback(ctx_, on_message);
    tlsclient::use_credentials(ctx_, creds);
  } catch (...) {
    SSL_CTX_free(ctx_);
    throw;
  }
}

OneShotClient::~OneShotClient() { SSL_CTX_free(ctx_); }

OneShotResult OneShotClient::get(const std::string& path, SSL_SESSION* offer) const {
  OneShotResult r;
  BIO* bio = BIO_new_connect(connect_address(ep_).c_str());
  if (!bio || BIO_do_connect(bio) <= 0) {
    BIO_free_all(bio);
    r.error = "connect:" + common::drain_openssl_errors();
    return r;
  }
  set_timeouts(static_cast<int>(BIO_get_fd(bio, nullptr)), timeout_);
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx_), SSL_free);
  if (!ssl) {
    BIO_free_all(bio);
    r.error = "tls:SSL_new failed";
    return r;
  }
  SSL_set_bio(ssl.get(), bio, bio);  // the SSL owns the BIO now
  if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl.get()), ep_.server_name.c_str()) != 1) {
    ERR_clear_error();
    SSL_set_tlsext_host_name(ssl.get(), ep_.server_name.c_str());
  }
  if (offer) SSL_set_session(ssl.get(), offer);
  SSL_set_quiet_shutdown(ssl.get(), 1);

  if (const int ret = SSL_connect(ssl.get()); ret != 1) {
    r.error = error_of(ssl.get(), ret);
    return r;
  }
  r.handshake_ok = true;
  r.resumed = SSL_session_reused(ssl.get()) == 1;
  const std::string request = "GET " + (path.empty() ? std::string("/") : path) +
                              " HTTP/1.1\r\nHost: " + ep_.server_name +
                              "\r\nUser-Agent: mtls-harness\r\nConnection: close\r\n\r\n";
  if (const int ret = SSL_write(ssl.get(), request.data(), static_cast<int>(request.size())); ret <= 0) {
    r.error = error_of(ssl.get(), ret);
    return r;
  }
  std::string answer;
  char buf[4096];
  for (;;) {
    const int n = SSL_read(ssl.get(), buf, sizeof buf);
    if (n > 0) {
      // Copied now: reading on to the end of the connection may end in an EOF error, which
      // makes OpenSSL mark the connection's own session unresumable.
      if (answer.empty()) {
        SSL_SESSION* now = SSL_get1_session(ssl.get());
        r.session.reset(now ? SSL_SESSION_dup(now) : nullptr);
        SSL_SESSION_free(now);
      }
      if (answer.size() < kMaxAnswer) answer.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    const int e = SSL_get_error(ssl.get(), n);
    // The end of the answer: close_notify or a plain EOF after a "Connection: close" reply.
    if (!answer.empty() && (e == SSL_ERROR_ZERO_RETURN || e == SSL_ERROR_SYSCALL || e == SSL_ERROR_SSL) &&
        SSL_get_ex_data(ssl.get(), alert_index()) == nullptr) {
      ERR_clear_error();
      break;
    }
    r.error = error_of(ssl.get(), n);
    break;
  }
  r.status = status_of(answer);
  if (r.error.empty() && r.status == 0) r.error = "http:no status line";
  return r;
}

}  // namespace mtls::cases
