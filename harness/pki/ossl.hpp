// Owning handles for the OpenSSL objects the fixture PKI builds, and PEM in and out of
// memory. Every failure throws with what was attempted and the OpenSSL error queue.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

namespace mtls::pki::ossl {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};

using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using KeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Crl = std::unique_ptr<X509_CRL, Deleter<X509_CRL, X509_CRL_free>>;
using Revoked = std::unique_ptr<X509_REVOKED, Deleter<X509_REVOKED, X509_REVOKED_free>>;
using Name = std::unique_ptr<X509_NAME, Deleter<X509_NAME, X509_NAME_free>>;
using Ext = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using Bn = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using Time = std::unique_ptr<ASN1_TIME, Deleter<ASN1_TIME, ASN1_TIME_free>>;
using Integer = std::unique_ptr<ASN1_INTEGER, Deleter<ASN1_INTEGER, ASN1_INTEGER_free>>;
using Store = std::unique_ptr<X509_STORE, Deleter<X509_STORE, X509_STORE_free>>;
using StoreCtx = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX, X509_STORE_CTX_free>>;
using P12 = std::unique_ptr<PKCS12, Deleter<PKCS12, PKCS12_free>>;
using GeneralNames = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES, GENERAL_NAMES_free>>;
using OctetString =
    std::unique_ptr<ASN1_OCTET_STRING, Deleter<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free>>;

// Borrowed chain of certificates (leaf's issuer first), as PKCS12/verify want them.
std::vector<X509*> raw(const std::vector<Cert>& certs);

std::string to_pem(X509* cert);
std::string to_pem(X509_CRL* crl);
std::string to_pem(EVP_PKEY* key);  // PKCS#8, unencrypted

// Readers take PEM (text around the blocks is skipped) or DER, name `path` in their errors
// and say what was expected; a file may hold several certificates. Files are read bounded
// (common::read_file): a FIFO or /dev/zero is refused, never read.
std::vector<Cert> read_certs(const std::filesystem::path& path);
Cert read_cert(const std::filesystem::path& path);  // the first certificate in the file
std::vector<Crl> read_crls(const std::filesystem::path& path);

// Where the passphrase of an encrypted key comes from. Nothing ever prompts: without `env`
// an encrypted key is an error that ends with `how_to_give`.
struct Passphrase {
  std::string env;          // environment variable holding it; empty: none given
  std::string how_to_give;  // e.g. "set key_password_env = \"VAR\" in the [[identity]]"
};
Key read_key(const std::filesystem::path& path, const Passphrase& pass = {});

}  // namespace mtls::pki::ossl
