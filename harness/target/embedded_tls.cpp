#include "target/embedded_tls.hpp"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "common/files.hpp"
#include "common/openssl_error.hpp"
#include "target/target.hpp"

namespace mtls::target::embedded {
namespace {

using scenario::TlsVersion;
using scenario::VerifyMode;

[[noreturn]] void fail(const std::string& what) {
  throw TargetError("embedded target: " + what + ": " + common::drain_openssl_errors());
}

int protocol_version(TlsVersion v) {
  return v == TlsVersion::tls1_3 ? TLS1_3_VERSION : TLS1_2_VERSION;
}

void set_versions(SSL_CTX* ctx, const std::vector<TlsVersion>& versions) {
  if (versions.empty()) throw TargetError("embedded target: [target].tls_versions is empty");
  const auto [lo, hi] = std::minmax_element(versions.begin(), versions.end(),
      [](TlsVersion a, TlsVersion b) { return protocol_version(a) < protocol_version(b); });
  if (!SSL_CTX_set_min_proto_version(ctx, protocol_version(*lo)) ||
      !SSL_CTX_set_max_proto_version(ctx, protocol_version(*hi)))
    fail("cannot set the TLS version range");
}

void load_server_identity(SSL_CTX* ctx, const pki::Fixtures& f) {
  if (SSL_CTX_use_certificate_chain_file(ctx, f.server_fullchain.c_str()) != 1)
    fail("cannot load server certificate chain " + f.server_fullchain.string());
  if (SSL_CTX_use_PrivateKey_file(ctx, f.server_key.c_str(), SSL_FILETYPE_PEM) != 1)
    fail("cannot load server key " + f.server_key.string());
  if (SSL_CTX_check_private_key(ctx) != 1)
    fail("server key " + f.server_key.string() + " does not match " +
         f.server_fullchain.string());
}

void load_trust(SSL_CTX* ctx, const pki::Fixtures& f) {
  if (SSL_CTX_load_verify_file(ctx, f.ca_bundle.c_str()) != 1)
    fail("cannot load client CA bundle " + f.ca_bundle.string());
  // The CertificateRequest names the acceptable CAs, as nginx's ssl_client_certificate does.
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(f.ca_bundle.c_str());
  if (names == nullptr) fail("no CA names in " + f.ca_bundle.string());
  SSL_CTX_set_client_CA_list(ctx, names);
}

// The CRLs live beside the store instead of in it: X509_STORE can add a CRL but never drop
// one, and a pushed CRL must replace the old one while handshakes run on other threads.
struct CrlSet {
  std::mutex mutex;
  std::vector<std::shared_ptr<X509_CRL>> crls;
};

void free_crl_set(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
  delete static_cast<CrlSet*>(ptr);
}

int crl_set_index() {
  static const int index =
      CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_X509_STORE, 0, nullptr, nullptr, nullptr, free_crl_set);
  return index;
}

STACK_OF(X509_CRL)* lookup_crls(const X509_STORE_CTX* store_ctx, const X509_NAME* issuer) {
  auto* set = static_cast<CrlSet*>(
      X509_STORE_get_ex_data(X509_STORE_CTX_get0_store(store_ctx), crl_set_index()));
  STACK_OF(X509_CRL)* out = sk_X509_CRL_new_null();
  if (!set || !out) return out;
  std::lock_guard lock(set->mutex);
  for (const auto& crl : set->crls)
    if (X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), issuer) == 0 &&
        X509_CRL_up_ref(crl.get()) == 1 && sk_X509_CRL_push(out, crl.get()) <= 0)
      X509_CRL_free(crl.get());
  return out;
}

std::vector<std::shared_ptr<X509_CRL>> parse_crls(std::string_view pem, const std::string& origin) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  if (!bio) fail("cannot read CRLs of " + origin);
  std::vector<std::shared_ptr<X509_CRL>> crls;
  while (X509_CRL* crl = PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr))
    crls.emplace_back(crl, X509_CRL_free);
  // The loop ends on "no start line" at the end; anything else is a broken PEM.
  const unsigned long last = ERR_peek_last_error();
  if (ERR_GET_REASON(last) == PEM_R_NO_START_LINE) ERR_clear_error();
  else if (last != 0) fail("cannot parse CRL #" + std::to_string(crls.size() + 1) + " of " + origin);
  if (crls.empty())
    throw TargetError("embedded target: [target].crl is on but " + origin +
                      " holds no CRL (every client would fail with 'unable to get CRL')");
  return crls;
}

int tolerated_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

bool unknown_issuer(int err) {
  switch (err) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      return true;
    default:
      return false;
  }
}

// nginx's optional_no_ca: a chain we cannot anchor passes the handshake and is reported as
// FAILED to the application. Once the chain is unanchored, later errors on it (no CRL for
// an unknown issuer, ...) are consequences and are let through too. The connection's
// ex_data slot remembers the first tolerated error.
int verify_tolerating_unknown_issuer(int ok, X509_STORE_CTX* store_ctx) {
  if (ok == 1) return 1;
  auto* ssl = static_cast<SSL*>(
      X509_STORE_CTX_get_ex_data(store_ctx, SSL_get_ex_data_X509_STORE_CTX_idx()));
  if (ssl == nullptr) return 0;
  if (void* first = SSL_get_ex_data(ssl, tolerated_index())) {
    // Keep the first error as the result: the session stores it, so a resumed connection
    // reports the same FAILED:<reason> as the full handshake did.
    X509_STORE_CTX_set_error(store_ctx, static_cast<int>(reinterpret_cast<intptr_t>(first)));
    return 1;
  }
  const int err = X509_STORE_CTX_get_error(store_ctx);
  if (!unknown_issuer(err)) return 0;
  SSL_set_ex_data(ssl, tolerated_index(), reinterpret_cast<void*>(static_cast<intptr_t>(err)));
  return 1;
}

void set_verify(SSL_CTX* ctx, const scenario::Target& t) {
  switch (t.verify) {
    case VerifyMode::required:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
      break;
    case VerifyMode::optional:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
      break;
    case VerifyMode::optional_no_ca:
      tolerated_index();  // allocate before any handshake thread can race for it
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, verify_tolerating_unknown_issuer);
      break;
    case VerifyMode::off:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
      break;
  }
  SSL_CTX_set_verify_depth(ctx, t.verify_depth);
  if (SSL_CTX_set_purpose(ctx, X509_PURPOSE_SSL_CLIENT) != 1)
    fail("cannot set verify purpose sslclient");
}

void set_resumption(SSL_CTX* ctx, const scenario::Target& t) {
  // Without an id context OpenSSL refuses to resume sessions of verified peers.
  static constexpr unsigned char kContext[] = "mtls-harness/embedded";
  if (SSL_CTX_set_session_id_context(ctx, kContext, sizeof kContext - 1) != 1)
    fail("cannot set session id context");
  SSL_CTX_set_session_cache_mode(ctx, t.session_cache ? SSL_SESS_CACHE_SERVER
                                                      : SSL_SESS_CACHE_OFF);
  if (!t.session_tickets) {
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    // TLS 1.3 would still send stateful tickets backed by the cache: "off" means none.
    SSL_CTX_set_num_tickets(ctx, 0);
  }
}

}  // namespace

void install_crls(SSL_CTX* ctx, std::string_view pem, const std::string& origin) {
  auto crls = parse_crls(pem, origin);
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  auto* set = static_cast<CrlSet*>(X509_STORE_get_ex_data(store, crl_set_index()));
  if (!set) {
    set = new CrlSet;
    if (X509_STORE_set_ex_data(store, crl_set_index(), set) != 1) {
      delete set;
      fail("cannot attach CRLs to the trust store");
    }
    X509_STORE_set_lookup_crls(store, lookup_crls);
  }
  {
    std::lock_guard lock(set->mutex);
    set->crls = std::move(crls);
  }
  // CRL_CHECK_ALL: a CRL for every CA in the chain, the way nginx's ssl_crl behaves.
  X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
}

void configure_server_context(SSL_CTX* ctx, const scenario::Target& t, const pki::Fixtures& f) {
  set_versions(ctx, t.tls_versions);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  load_server_identity(ctx, f);
  if (t.verify != scenario::VerifyMode::off) {
    load_trust(ctx, f);
    if (t.crl) install_crls(ctx, common::read_file(f.crl_bundle), f.crl_bundle.string());
  }
  set_verify(ctx, t);
  set_resumption(ctx, t);
}

}  // namespace mtls::target::embedded
