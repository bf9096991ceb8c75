// Putting a client identity into an SSL_CTX, including the ones a stock client refuses to
// send: an RSA-1024 key (blocked by security level 2) and a key that does not belong to its
// certificate (blocked by OpenSSL's cert/key consistency check). Shared by the probe and
// the load engine, so both present exactly the same certificates.
#pragma once

#include <filesystem>
#include <string>

#include "pki/fixtures.hpp"

typedef struct ssl_ctx_st SSL_CTX;

namespace mtls::tlsclient {

struct ClientCredentials {
  std::filesystem::path cert;       // leaf (PEM or DER)
  std::filesystem::path chain;      // intermediates to send; empty: those after the leaf in `cert`
  std::filesystem::path key;        // private key (PEM)
  bool allow_weak_key = false;      // lower the security level so RSA-1024 loads
  bool allow_key_mismatch = false;  // sign with `key` even though it is not cert's key
  std::string identity = {};        // names errors ("identity 'x': key FILE ..."); may be empty
  std::string key_password_env = {};  // environment variable holding an encrypted key's passphrase
  std::string key_password_hint = {};  // what to do when the key is encrypted and none is given
};

// The credentials of a fixture identity: faulty ones are allowed to be what they are.
ClientCredentials credentials_for(const pki::IdentityFiles& files);

// Loads cert, chain and key into ctx. Throws std::runtime_error naming the file and the
// OpenSSL error on failure (e.g. key does not match and allow_key_mismatch is false).
void use_credentials(SSL_CTX* ctx, const ClientCredentials& c);

}  // namespace mtls::tlsclient
