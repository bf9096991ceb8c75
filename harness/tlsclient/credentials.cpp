#include "tlsclient/credentials.hpp"

#include <memory>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdexcept>
#include <vector>

#include "common/openssl_error.hpp"

namespace mtls::tlsclient {
namespace {

struct Free {
  void operator()(X509* p) const { X509_free(p); }
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, Free>;

Owned<BIO> open_file(const std::filesystem::path& p) {
  Owned<BIO> bio(BIO_new_file(p.c_str(), "r"));
  if (!bio) common::throw_openssl("cannot open " + p.string());
  return bio;
}

Owned<X509> read_cert(const std::filesystem::path& p) {
  auto bio = open_file(p);
  Owned<X509> x(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!x) common::throw_openssl("no PEM certificate in " + p.string());
  return x;
}

Owned<EVP_PKEY> read_key(const std::filesystem::path& p) {
  auto bio = open_file(p);
  Owned<EVP_PKEY> k(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!k) common::throw_openssl("no PEM private key in " + p.string());
  return k;
}

// The consistency checks OpenSSL runs (EVP_PKEY_eq) compare public parts only. A key whose
// public part is the certificate's and whose private part is the other key's passes them,
// and then signs CertificateVerify with the wrong private key: exactly the fault a gateway
// must detect (it fails the signature check: decrypt_error).
Owned<EVP_PKEY> graft_public_part(EVP_PKEY* other, X509* cert) {
  EVP_PKEY* cert_pub = X509_get0_pubkey(cert);
  if (!cert_pub || EVP_PKEY_get_base_id(cert_pub) != EVP_PKEY_get_base_id(other))
    throw std::runtime_error("key-mismatch identity: the key must have the certificate's type");

  OSSL_PARAM* priv_params = nullptr;
  OSSL_PARAM* pub_params = nullptr;
  if (EVP_PKEY_todata(other, EVP_PKEY_KEYPAIR, &priv_params) != 1 ||
      EVP_PKEY_todata(cert_pub, EVP_PKEY_PUBLIC_KEY, &pub_params) != 1)
    common::throw_openssl("key-mismatch identity: cannot export key parameters");
  Owned<OSSL_PARAM> priv(priv_params), pub(pub_params);

  // Public values first so they win: OSSL_PARAM_locate returns the first match.
  const bool rsa = EVP_PKEY_get_base_id(other) == EVP_PKEY_RSA;
  std::vector<OSSL_PARAM> merged;
  for (const OSSL_PARAM* p = pub.get(); p->key != nullptr; ++p) merged.push_back(*p);
  for (const OSSL_PARAM* p = priv.get(); p->key != nullptr; ++p) {
    if (OSSL_PARAM_locate_const(pub.get(), p->key) != nullptr) continue;
    // RSA: keep only d, so the private operation runs with the other key's exponent
    // against the certificate's modulus (CRT factors would not belong to that modulus).
    if (rsa && std::string_view(p->key) != OSSL_PKEY_PARAM_RSA_D) continue;
    merged.push_back(*p);
  }
  merged.push_back(OSSL_PARAM_construct_end());

  Owned<EVP_PKEY_CTX> kctx(EVP_PKEY_CTX_new_from_pkey(nullptr, other, nullptr));
  EVP_PKEY* out = nullptr;
  if (!kctx || EVP_PKEY_fromdata_init(kctx.get()) != 1 ||
      EVP_PKEY_fromdata(kctx.get(), &out, EVP_PKEY_KEYPAIR, merged.data()) != 1)
    common::throw_openssl("key-mismatch identity: cannot build the mismatched signing key");
  return Owned<EVP_PKEY>(out);
}

}  // namespace

ClientCredentials credentials_for(const pki::IdentityFiles& files) {
  ClientCredentials c;
  c.cert = files.cert;
  c.chain = files.chain;
  c.key = files.key;
  c.allow_weak_key = files.fault == scenario::Fault::weak_key;
  c.allow_key_mismatch = files.fault == scenario::Fault::key_mismatch;
  return c;
}

void use_credentials(SSL_CTX* ctx, const ClientCredentials& c) {
  // Before loading: at the default level 2 OpenSSL refuses an RSA-1024 certificate outright.
  if (c.allow_weak_key) SSL_CTX_set_security_level(ctx, 0);

  auto cert = read_cert(c.cert);
  auto key = read_key(c.key);
  if (c.allow_key_mismatch && X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    key = graft_public_part(key.get(), cert.get());
  }
  if (SSL_CTX_use_certificate(ctx, cert.get()) != 1)
    common::throw_openssl("cannot use client certificate " + c.cert.string());
  // Without a chain file, certificates after the leaf in the certificate file are the chain,
  // as with `curl --cert fullchain.pem` (diagnose is given what users give curl).
  const std::filesystem::path& chain_file = c.chain.empty() ? c.cert : c.chain;
  {
    auto bio = open_file(chain_file);
    if (c.chain.empty()) X509_free(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    while (X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
      if (SSL_CTX_add1_chain_cert(ctx, x) != 1) {
        X509_free(x);
        common::throw_openssl("cannot add chain certificate from " + chain_file.string());
      }
      X509_free(x);
    }
    ERR_clear_error();  // PEM_read at end of file leaves "no start line"
  }
  if (SSL_CTX_use_PrivateKey(ctx, key.get()) != 1)
    common::throw_openssl("cannot use private key " + c.key.string() + " with certificate " +
                          c.cert.string());
  // The chain is given explicitly: stop OpenSSL from rebuilding (and re-verifying) the
  // client's own chain on every handshake.
  SSL_CTX_set_mode(ctx, SSL_MODE_NO_AUTO_CHAIN);
}

}  // namespace mtls::tlsclient
