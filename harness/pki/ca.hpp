// The CA hierarchy of a fixture PKI: root -> intermediate (issues clients and the server),
// an unrelated rogue root (wrong-ca), and for too-deep a line of sub-CAs below the client
// issuer. Kept on disk and reused while the [pki] settings that shape it are unchanged. With
// [pki] ca_cert the user's CA (and intermediate) issue the clients instead; the harness's own
// pair then issues only the server certificate.
#pragma once

#include <ctime>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "pki/ossl.hpp"
#include "scenario/scenario.hpp"

namespace mtls::pki {

struct Ca {
  std::string id;  // "root", "intermediate", "rogue-root", "sub-ca-1", "user-root", ...
  ossl::Key key;   // null for a user CA whose key was not given
  ossl::Cert cert;
  std::filesystem::path key_source;  // a user CA's key file, read in place; empty for ours
};

struct CaSet {
  Ca root;
  Ca intermediate;
  Ca rogue;
  std::vector<Ca> deep;  // deep[0] is issued by client_issuer(), deep[i] by deep[i-1]
  std::optional<Ca> user_root;          // [pki] ca_cert
  std::optional<Ca> user_intermediate;  // [pki] intermediate_cert
  std::string hash;      // pki_hash() of the settings the CAs were made with
  bool reused = false;   // root, intermediate and rogue root were loaded from disk

  // The trust anchor of client chains, the CA that signs client leaves, and the
  // intermediate a client sends with its leaf (null when the issuer is the root itself).
  const Ca& client_root() const { return user_root ? *user_root : root; }
  const Ca& client_issuer() const;
  const Ca* client_intermediate() const;
  // The CAs of client chains that publish a CRL (those whose key we hold), root down.
  std::vector<const Ca*> crl_issuers() const;
};

// SHA-256 (hex) over a canonical form of the [pki] settings that shape the CAs.
std::string pki_hash(const scenario::Pki& pki);

// How many sub-CAs a too-deep identity needs below the intermediate so that its chain
// holds one intermediate more than `verify_depth` allows (OpenSSL counts intermediates
// only, not the leaf and not the trust anchor).
int too_deep_sub_cas(int verify_depth);

// The user's CA cannot be used as given (not a CA, expired, a key that does not fit): a
// scenario error, not a failure of the harness.
struct UserCaError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct CaOptions {
  std::filesystem::path dir;        // where the CA files are written: the staging directory
  std::filesystem::path keep_from;  // a complete earlier set to keep CAs from; empty: none
  int deep_count = 0;               // sub-CAs wanted (0 when no identity is too-deep)
  bool force = false;
  std::time_t now = 0;
};

// Loads the CAs from keep_from/ca/ when their hash matches and none has expired (and
// !force), otherwise generates them; either way writes them into dir/ca/ (keys 0600) and
// then the hash file.
CaSet load_or_create_cas(const scenario::Pki& pki, const CaOptions& opts);

}  // namespace mtls::pki
