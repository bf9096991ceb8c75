#include "pki/p12.hpp"

#include "common/openssl_error.hpp"

namespace mtls::pki {
namespace {

struct BagsFree {
  void operator()(STACK_OF(PKCS12_SAFEBAG)* s) const {
    sk_PKCS12_SAFEBAG_pop_free(s, PKCS12_SAFEBAG_free);
  }
};
struct SafesFree {
  void operator()(STACK_OF(PKCS7)* s) const { sk_PKCS7_pop_free(s, PKCS7_free); }
};
using Bags = std::unique_ptr<STACK_OF(PKCS12_SAFEBAG), BagsFree>;
using Safes = std::unique_ptr<STACK_OF(PKCS7), SafesFree>;

[[noreturn]] void fail(const std::string& alias, const std::string& what) {
  common::throw_openssl("PKCS#12 for '" + alias + "': " + what);
}

void label(PKCS12_SAFEBAG* bag, const std::string& alias, const unsigned char* id,
           unsigned id_len) {
  if (!PKCS12_add_friendlyname(bag, alias.c_str(), -1) ||
      !PKCS12_add_localkeyid(bag, const_cast<unsigned char*>(id), static_cast<int>(id_len)))
    fail(alias, "cannot label a bag");
}

}  // namespace

std::string make_p12(EVP_PKEY* key, X509* cert, const std::vector<X509*>& chain,
                     const std::string& alias, const std::string& password) {
  const int iter = PKCS12_DEFAULT_ITER;
  const char* pass = password.c_str();
  unsigned char key_id[EVP_MAX_MD_SIZE];
  unsigned key_id_len = 0;
  if (!X509_digest(cert, EVP_sha1(), key_id, &key_id_len)) fail(alias, "cannot digest the leaf");

  // The PKCS12_add_* functions allocate the stack on first use; ownership moves to RAII
  // right after.
  STACK_OF(PKCS12_SAFEBAG)* raw_certs = nullptr;
  PKCS12_SAFEBAG* leaf_bag = PKCS12_add_cert(&raw_certs, cert);
  Bags cert_bags(raw_certs);
  if (!leaf_bag) fail(alias, "cannot add the certificate");
  label(leaf_bag, alias, key_id, key_id_len);
  for (X509* c : chain)
    if (!PKCS12_add_cert(&raw_certs, c)) fail(alias, "cannot add a chain certificate");

  STACK_OF(PKCS12_SAFEBAG)* raw_keys = nullptr;
  PKCS12_SAFEBAG* key_bag = PKCS12_add_key(&raw_keys, key, 0, iter, NID_aes_256_cbc, pass);
  Bags key_bags(raw_keys);
  if (!key_bag) fail(alias, "cannot add the key");
  label(key_bag, alias, key_id, key_id_len);

  STACK_OF(PKCS7)* raw_safes = nullptr;
  bool ok = PKCS12_add_safe(&raw_safes, cert_bags.get(), NID_aes_256_cbc, iter, pass) &&
            // The key bag is shrouded already; its container needs no second encryption.
            PKCS12_add_safe(&raw_safes, key_bags.get(), -1, 0, nullptr);
  Safes safes(raw_safes);
  if (!ok) fail(alias, "cannot pack the safes");

  ossl::P12 p12(PKCS12_add_safes(safes.get(), 0));
  if (!p12 || !PKCS12_set_mac(p12.get(), pass, -1, nullptr, 0, iter, EVP_sha256()))
    fail(alias, "cannot assemble or MAC");

  int len = i2d_PKCS12(p12.get(), nullptr);
  std::string der(static_cast<std::size_t>(len > 0 ? len : 0), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (len <= 0 || i2d_PKCS12(p12.get(), &out) != len) fail(alias, "cannot encode");
  return der;
}

}  // namespace mtls::pki
