#include "load/client_tls.hpp"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <stdexcept>

#include "common/files.hpp"
#include "common/openssl_error.hpp"

namespace mtls::load {
namespace {

using scenario::Resumption;

constexpr auto kVerifyCacheLifetime = std::chrono::seconds(60);

TlsEvents* events(const SSL* ssl) { return static_cast<TlsEvents*>(SSL_get_app_data(ssl)); }

void on_message(int write_p, int, int content_type, const void* buf, size_t len, SSL* ssl,
                void*) {
  TlsEvents* e = events(ssl);
  if (!e || len < 1) return;
  const auto* b = static_cast<const unsigned char*>(buf);
  if (content_type == SSL3_RT_ALERT && len >= 2) e->on_alert(write_p != 0, b[0], b[1]);
  if (content_type == SSL3_RT_HANDSHAKE && !write_p && b[0] == SSL3_MT_NEWSESSION_TICKET)
    e->on_ticket();
}

int on_new_session(SSL* ssl, SSL_SESSION* session) {
  TlsEvents* e = events(ssl);
  return e && e->on_new_session(session) ? 1 : 0;
}

// The full verification runs for the first handshake of a thread (and once a minute); after
// that a byte-identical leaf is accepted by comparison (X509_cmp compares the cached digest
// and the DER). The hostname check is part of the verification, so it is covered as well:
// every context of the thread checks the same name.
int verify_server(X509_STORE_CTX* store_ctx, void* arg) {
  auto* cache = static_cast<VerifyCache*>(arg);
  X509* leaf = X509_STORE_CTX_get0_cert(store_ctx);
  const auto now = std::chrono::steady_clock::now();
  if (cache->enabled && cache->leaf && leaf && now < cache->expires &&
      X509_cmp(leaf, cache->leaf) == 0) {
    X509_STORE_CTX_set_error(store_ctx, X509_V_OK);
    return 1;
  }
  const int ok = X509_verify_cert(store_ctx);
  if (ok == 1 && cache->enabled && leaf) {
    X509_up_ref(leaf);
    X509_free(cache->leaf);
    cache->leaf = leaf;
    cache->expires = now + kVerifyCacheLifetime;
  }
  return ok;
}

X509_STORE* load_trust(const Plan& plan, OSSL_LIB_CTX* library) {
  common::check_input_file(plan.trust);  // a FIFO or /dev/zero is refused, never read
  X509_STORE* store = X509_STORE_new();
  if (!store || X509_STORE_load_file_ex(store, plan.trust.c_str(), library, nullptr) != 1) {
    X509_STORE_free(store);
    common::throw_openssl("load engine: cannot load server trust " + plan.trust);
  }
  return store;
}

void set_versions(SSL_CTX* ctx, scenario::TlsVersion v) {
  const int version = v == scenario::TlsVersion::tls1_3 ? TLS1_3_VERSION : TLS1_2_VERSION;
  SSL_CTX_set_min_proto_version(ctx, version);
  SSL_CTX_set_max_proto_version(ctx, version);
}

void set_resumption(SSL_CTX* ctx, Resumption r) {
  if (r == Resumption::none) {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    return;
  }
  // Sessions go to the worker's pool through the callback, never to OpenSSL's own cache.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_sess_set_new_cb(ctx, on_new_session);
  // TLS 1.2 session IDs: refuse tickets so the server must use its session cache.
  if (r == Resumption::session_id) SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
}

void set_server_name_check(SSL_CTX* ctx, const std::string& name) {
  X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx);
  const bool is_ip = X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str()) == 1;
  if (!is_ip) {
    ERR_clear_error();
    if (X509_VERIFY_PARAM_set1_host(param, name.c_str(), 0) != 1)
      common::throw_openssl("load engine: cannot set server name check for " + name);
  }
}

}  // namespace

VerifyCache::~VerifyCache() { X509_free(leaf); }

ClientTls::ClientTls(const Plan& plan) {
  cache_.enabled = plan.opts.cache_server_verification;
  if (plan.opts.per_thread_library_context) {
    // Providers load into it on first use, as into the default context.
    library_ = OSSL_LIB_CTX_new();
    if (!library_) common::throw_openssl("load engine: OSSL_LIB_CTX_new");
  }
  X509_STORE* trust = nullptr;
  try {
    trust = load_trust(plan, library_);
    for (const auto& id : plan.identities) {
      SSL_CTX* ctx = SSL_CTX_new_ex(library_, nullptr, TLS_client_method());
      if (!ctx) common::throw_openssl("load engine: SSL_CTX_new");
      contexts_.push_back(ctx);
      set_versions(ctx, plan.phase.tls_version);
      set_resumption(ctx, plan.phase.resumption);
      SSL_CTX_set1_cert_store(ctx, trust);
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
      SSL_CTX_set_cert_verify_callback(ctx, verify_server, &cache_);
      set_server_name_check(ctx, plan.server_name);
      SSL_CTX_set_msg_callback(ctx, on_message);
      // One BIO read per received chunk instead of two per record (header, then body).
      SSL_CTX_set_read_ahead(ctx, 1);
      // Held-open connections give their 16 KiB+ record buffers back; otherwise keep them:
      // releasing costs a free and a malloc per record.
      if (plan.opts.hold_connections) SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
      if (id.credentials) tlsclient::use_credentials(ctx, *id.credentials);
    }
  } catch (...) {
    X509_STORE_free(trust);
    for (SSL_CTX* c : contexts_) SSL_CTX_free(c);
    OSSL_LIB_CTX_free(library_);
    throw;
  }
  X509_STORE_free(trust);  // the contexts hold their references
}

ClientTls::~ClientTls() {
  for (SSL_CTX* c : contexts_) SSL_CTX_free(c);
  OSSL_LIB_CTX_free(library_);  // after every context made in it
}

}  // namespace mtls::load
