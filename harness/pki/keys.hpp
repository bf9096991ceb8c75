// Key pairs for CAs, servers and identities, and the digest each key signs with.
#pragma once

#include <string>

#include "pki/ossl.hpp"
#include "scenario/scenario.hpp"

namespace mtls::pki {

ossl::Key generate_key(scenario::KeyType type);

// RSA-1024: refused by OpenSSL security level 2 (the weak-key fault).
ossl::Key generate_weak_rsa_key();

// Digest for signing with `key`: none for Ed25519 (it hashes internally), SHA-384 for
// P-384, SHA-256 otherwise.
const EVP_MD* signing_digest(EVP_PKEY* key);

// "EC P-256", "RSA 2048", "ED25519": for messages and the manifest.
std::string describe_key(EVP_PKEY* key);

}  // namespace mtls::pki
