#include "tls_floor.hpp"

#include <chrono>
#include <ctime>
#include <stdexcept>
#include <string>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "load/client_tls.hpp"
#include "load/plan.hpp"

namespace mtls::bench {
namespace {

double thread_cpu_us() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

[[noreturn]] void fail(const std::string& what) {
  char buf[256] = "";
  ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
  throw std::runtime_error("tls floor: " + what + (buf[0] ? std::string(": ") + buf : ""));
}

// The server side, set up as the benchmark's nginx is: mTLS required against the fixture CA,
// session cache and tickets on.
SSL_CTX* server_context(const pki::Fixtures& f, scenario::TlsVersion v) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx) fail("SSL_CTX_new");
  const int version = v == scenario::TlsVersion::tls1_3 ? TLS1_3_VERSION : TLS1_2_VERSION;
  SSL_CTX_set_min_proto_version(ctx, version);
  SSL_CTX_set_max_proto_version(ctx, version);
  if (SSL_CTX_use_certificate_chain_file(ctx, f.server_fullchain.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, f.server_key.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_load_verify_locations(ctx, f.ca_bundle.c_str(), nullptr) != 1)
    fail("server credentials from " + f.dir.string());
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  SSL_CTX_set_verify_depth(ctx, 4);
  static const unsigned char kContext[] = "mtls-floor";
  SSL_CTX_set_session_id_context(ctx, kContext, sizeof kContext - 1);
  return ctx;
}

// Keeps the newest session the client was given, as the engine's session pool does.
class Sessions : public load::TlsEvents {
 public:
  ~Sessions() override { SSL_SESSION_free(newest_); }
  void on_alert(bool, int, int) override {}
  void on_ticket() override {}
  bool on_new_session(SSL_SESSION* s) override {
    SSL_SESSION_free(newest_);
    newest_ = s;
    return true;
  }
  SSL_SESSION* newest() const { return newest_; }

 private:
  SSL_SESSION* newest_ = nullptr;
};

struct Pair {
  SSL* client = nullptr;
  SSL* server = nullptr;
  ~Pair() {
    // Shut down (quietly, as the engine does) before freeing: an SSL freed without it has
    // its session removed and marked not resumable, and the resumed rows would resume none.
    for (SSL* ssl : {client, server}) {
      if (!ssl) continue;
      SSL_set_quiet_shutdown(ssl, 1);
      SSL_shutdown(ssl);
      SSL_free(ssl);
    }
  }
};

// One connection: the handshake, then one byte each way (so the client reads the TLS 1.3
// tickets the server sends after it). Adds the client's CPU to `client_us`.
bool one_connection(SSL_CTX* client_ctx, SSL_CTX* server_ctx, Sessions& sessions, bool resume,
                    double& client_us) {
  Pair p;
  p.client = SSL_new(client_ctx);
  p.server = SSL_new(server_ctx);
  if (!p.client || !p.server) fail("SSL_new");
  BIO *cbio = nullptr, *sbio = nullptr;
  if (BIO_new_bio_pair(&cbio, 0, &sbio, 0) != 1) fail("BIO_new_bio_pair");
  SSL_set_bio(p.client, cbio, cbio);
  SSL_set_bio(p.server, sbio, sbio);
  SSL_set_app_data(p.client, static_cast<load::TlsEvents*>(&sessions));
  SSL_set_connect_state(p.client);
  SSL_set_accept_state(p.server);
  SSL_set_tlsext_host_name(p.client, "localhost");
  if (resume && sessions.newest()) SSL_set_session(p.client, sessions.newest());

  const auto timed = [&](auto&& call) {
    const double t0 = thread_cpu_us();
    const int r = call();
    client_us += thread_cpu_us() - t0;
    return r;
  };
  bool client_done = false, server_done = false;
  for (int round = 0; round < 16 && !(client_done && server_done); ++round) {
    if (!client_done) {
      const int r = timed([&] { return SSL_do_handshake(p.client); });
      if (r == 1) client_done = true;
      else if (SSL_get_error(p.client, r) != SSL_ERROR_WANT_READ) fail("client handshake");
    }
    if (!server_done) {
      const int r = SSL_do_handshake(p.server);
      if (r == 1) server_done = true;
      else if (SSL_get_error(p.server, r) != SSL_ERROR_WANT_READ) fail("server handshake");
    }
  }
  if (!client_done || !server_done) fail("handshake did not finish");
  char byte = 'x';
  if (timed([&] { return SSL_write(p.client, &byte, 1); }) != 1) fail("client write");
  if (SSL_read(p.server, &byte, 1) != 1) fail("server read");
  if (SSL_write(p.server, &byte, 1) != 1) fail("server write");
  if (timed([&] { return SSL_read(p.client, &byte, 1); }) != 1) fail("client read");
  return SSL_session_reused(p.client) == 1;
}

}  // namespace

TlsFloor measure_tls_floor(const scenario::Scenario& s, const pki::Fixtures& f,
                           scenario::TlsVersion v, bool resumed, double seconds) {
  scenario::LoadPhase phase;
  phase.name = "floor";
  phase.connections = 1;
  phase.tls_version = v;
  if (resumed)
    phase.resumption = v == scenario::TlsVersion::tls1_3 ? scenario::Resumption::psk
                                                          : scenario::Resumption::ticket;
  load::PhaseOptions o;
  o.cache_server_verification = false;  // stock OpenSSL: a full X509_verify_cert every time
  target::Endpoint ep;
  ep.trust = f.server_trust;
  const load::Plan plan = load::make_plan(phase, s, f, ep, o);
  load::ClientTls client(plan);
  SSL_CTX* server = server_context(f, v);
  Sessions sessions;
  TlsFloor out;
  double client_us = 0;
  try {
    if (resumed) {  // the first session, outside the figures
      double ignored = 0;
      one_connection(client.context(0), server, sessions, false, ignored);
    }
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() < until) {
      if (one_connection(client.context(0), server, sessions, resumed, client_us)) ++out.resumed;
      ++out.handshakes;
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    out.hs_per_s = static_cast<double>(out.handshakes) / wall;
  } catch (...) {
    SSL_CTX_free(server);
    throw;
  }
  SSL_CTX_free(server);
  out.client_us = out.handshakes ? client_us / static_cast<double>(out.handshakes) : 0;
  return out;
}

}  // namespace mtls::bench
