#include "pki/keys.hpp"

#include <memory>
#include <openssl/core_names.h>

#include <openssl/err.h>
#include <openssl/rsa.h>

#include "common/openssl_error.hpp"
#include "common/signals.hpp"

namespace mtls::pki {
namespace {

// Called for every prime candidate: returning 0 aborts the generation, so a stop signal
// ends an RSA-4096 key (seconds of work) within milliseconds.
int keygen_progress(EVP_PKEY_CTX*) { return common::stop_requested() ? 0 : 1; }

ossl::Key rsa(std::size_t bits) {
  const std::string what = "RSA-" + std::to_string(bits) + " key";
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr), EVP_PKEY_CTX_free);
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) <= 0 ||
      EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), static_cast<int>(bits)) <= 0)
    common::throw_openssl("cannot set up the generation of an " + what);
  EVP_PKEY_CTX_set_cb(ctx.get(), keygen_progress);
  EVP_PKEY* out = nullptr;
  if (EVP_PKEY_generate(ctx.get(), &out) <= 0) {
    if (common::stop_requested()) {
      ERR_clear_error();
      common::throw_if_stopped("while generating an " + what);
    }
    common::throw_openssl("cannot generate an " + what);
  }
  return ossl::Key(out);
}

ossl::Key ec(const char* curve) {
  ossl::Key k(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve));
  if (!k) common::throw_openssl(std::string("cannot generate EC ") + curve + " key");
  return k;
}

}  // namespace

ossl::Key generate_key(scenario::KeyType type) {
  using scenario::KeyType;
  switch (type) {
    case KeyType::ec_p256: return ec("P-256");
    case KeyType::ec_p384: return ec("P-384");
    case KeyType::rsa_2048: return rsa(2048);
    case KeyType::rsa_3072: return rsa(3072);
    case KeyType::rsa_4096: return rsa(4096);
    case KeyType::ed25519: {
      ossl::Key k(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
      if (!k) common::throw_openssl("cannot generate Ed25519 key");
      return k;
    }
  }
  throw std::logic_error("generate_key: unknown key type");
}

ossl::Key generate_weak_rsa_key() { return rsa(1024); }

const EVP_MD* signing_digest(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "ED25519") || EVP_PKEY_is_a(key, "ED448")) return nullptr;
  if (EVP_PKEY_is_a(key, "EC") && EVP_PKEY_get_bits(key) > 256) return EVP_sha384();
  return EVP_sha256();
}

std::string describe_key(EVP_PKEY* key) {
  const std::string bits = std::to_string(EVP_PKEY_get_bits(key));
  if (EVP_PKEY_is_a(key, "EC")) {
    char curve[64] = {};
    std::size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof curve,
                                       &len) == 1)
      return std::string("EC ") + curve;
    return "EC " + bits;
  }
  if (EVP_PKEY_is_a(key, "RSA")) return "RSA " + bits;
  const char* name = EVP_PKEY_get0_type_name(key);
  return name ? name : "unknown key";
}

}  // namespace mtls::pki
