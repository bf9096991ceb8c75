#include "interpose/self_check.hpp"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <memory>
#include <vector>

#include "interpose/cert_cache.hpp"
#include "interpose/fetch_cache.hpp"

namespace mtls::interpose {
namespace {

struct Free {
  void operator()(SSL_CTX* p) const { SSL_CTX_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, Free>;

}  // namespace

std::vector<unsigned char> throwaway_certificate_der() {
  Owned<EVP_PKEY> key(EVP_EC_gen("P-256"));
  Owned<X509> x(X509_new());
  if (!key || !x) return {};
  X509_set_version(x.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(x.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), 60);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(x.get()), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("interposition check"), -1,
                             -1, 0);
  X509_set_issuer_name(x.get(), X509_get_subject_name(x.get()));
  if (X509_set_pubkey(x.get(), key.get()) != 1 || X509_sign(x.get(), key.get(), EVP_sha256()) <= 0)
    return {};
  const int n = i2d_X509(x.get(), nullptr);
  if (n <= 0) return {};
  std::vector<unsigned char> der(static_cast<std::size_t>(n));
  unsigned char* p = der.data();
  i2d_X509(x.get(), &p);
  return der;
}

namespace {

Reach check() {
  Reach r;
  {
    // SSL_CTX_new fetches every digest and cipher libssl knows (ssl_load_ciphers).
    FetchCache fetches;
    use_fetch_cache(&fetches);
    Owned<SSL_CTX> ctx(SSL_CTX_new(TLS_client_method()));
    use_fetch_cache(nullptr);
    r.fetched_methods = ctx && fetches.hits() + fetches.misses() > 0;
  }
  {
    const auto der = throwaway_certificate_der();
    Owned<SSL_CTX> ctx(SSL_CTX_new(TLS_client_method()));
    CertCache certs;
    bool used = false;
    if (ctx && !der.empty()) {
      // SSL_CTX_use_certificate_ASN1 parses with d2i_X509, called from libssl.
      use_cert_cache(&certs);
      used = SSL_CTX_use_certificate_ASN1(ctx.get(), static_cast<int>(der.size()), der.data()) == 1;
      use_cert_cache(nullptr);
    }
    r.peer_certificates = used && certs.size() > 0;
  }
  if (!r.fetched_methods)
    r.problem += "libssl's EVP_*_fetch calls do not reach this program's fetch cache; ";
  if (!r.peer_certificates)
    r.problem += "libssl's d2i_X509 calls do not reach this program's certificate cache; ";
  if (!r.problem.empty()) {
    r.problem.resize(r.problem.size() - 2);
    r.problem +=
        " (an executable linked without harness/interpose/exports.list, or another library "
        "defining the same OpenSSL functions). Run with --stock-openssl to measure without "
        "the caches.";
  }
  return r;
}

}  // namespace

const Reach& self_check() {
  static const Reach r = check();
  return r;
}

}  // namespace mtls::interpose
