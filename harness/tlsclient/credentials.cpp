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
#include "pki/identity.hpp"
#include "pki/ossl.hpp"

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

// Errors name the identity (when there is one), the role of the file and the file.
template <typename Read>
auto read_as(const ClientCredentials& c, const char* role, Read read) {
  try {
    return read();
  } catch (const std::exception& e) {
    throw std::runtime_error((c.identity.empty() ? std::string() : "identity '" + c.identity + "': ") +
                             role + " " + e.what());
  }
}

// The consistency checks OpenSSL runs (EVP_PKEY_eq) compare public parts only. A key whose
// public part is the certificate's and whose private part is the other key's passes them,
// and then signs CertificateVerify with the wrong private key: exactly the fault a gateway
// must detect (it fails the signature check: decrypt_error).
pki::ossl::Key graft_public_part(EVP_PKEY* other, X509* cert) {
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
  return pki::ossl::Key(out);
}

}  // namespace

ClientCredentials credentials_for(const pki::IdentityFiles& files) {
  ClientCredentials c;
  c.cert = files.cert;
  c.chain = files.chain;
  c.key = files.key;
  c.allow_weak_key = files.fault == scenario::Fault::weak_key;
  c.allow_key_mismatch = files.fault == scenario::Fault::key_mismatch;
  c.identity = files.name;
  c.key_password_env = files.key_password_env;
  c.key_password_hint = pki::key_passphrase(files.name, files.key_password_env).how_to_give;
  return c;
}

void use_credentials(SSL_CTX* ctx, const ClientCredentials& c) {
  // Before loading: at the default level 2 OpenSSL refuses an RSA-1024 certificate outright.
  if (c.allow_weak_key) SSL_CTX_set_security_level(ctx, 0);

  // PEM or DER, read bounded and never prompting for a passphrase (pki::ossl).
  auto certs = read_as(c, "cert", [&] { return pki::ossl::read_certs(c.cert); });
  auto key = read_as(c, "key", [&] {
    return pki::ossl::read_key(c.key, {c.key_password_env, c.key_password_hint});
  });
  X509* cert = certs.front().get();
  if (c.allow_key_mismatch && X509_check_private_key(cert, key.get()) != 1) {
    ERR_clear_error();
    key = graft_public_part(key.get(), cert);
  }
  if (SSL_CTX_use_certificate(ctx, cert) != 1)
    common::throw_openssl("cannot use client certificate " + c.cert.string());
  // Without a chain file, certificates after the leaf in the certificate file are the chain,
  // as with `curl --cert fullchain.pem` (diagnose is given what users give curl).
  if (!c.chain.empty()) {
    auto chain = read_as(c, "chain", [&] { return pki::ossl::read_certs(c.chain); });
    certs.resize(1);
    for (auto& x : chain) certs.push_back(std::move(x));
  }
  for (std::size_t i = 1; i < certs.size(); ++i)
    if (SSL_CTX_add1_chain_cert(ctx, certs[i].get()) != 1)
      common::throw_openssl("cannot add chain certificate from " +
                            (c.chain.empty() ? c.cert : c.chain).string());
  if (SSL_CTX_use_PrivateKey(ctx, key.get()) != 1)
    common::throw_openssl("cannot use private key " + c.key.string() + " with certificate " +
                          c.cert.string());
  // The chain is given explicitly: stop OpenSSL from rebuilding (and re-verifying) the
  // client's own chain on every handshake.
  SSL_CTX_set_mode(ctx, SSL_MODE_NO_AUTO_CHAIN);
}

}  // namespace mtls::tlsclient
