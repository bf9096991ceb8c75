// The CA hierarchy of a fixture PKI: root -> intermediate (issues clients and the server),
// an unrelated rogue root (wrong-ca), and for too-deep a line of sub-CAs below the
// intermediate. Kept on disk and reused while the [pki] settings that shape it are unchanged.
#pragma once

#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "pki/ossl.hpp"
#include "scenario/scenario.hpp"

namespace mtls::pki {

struct Ca {
  std::string id;  // "root", "intermediate", "rogue-root", "sub-ca-1", ...
  ossl::Key key;
  ossl::Cert cert;
};

struct CaSet {
  Ca root;
  Ca intermediate;
  Ca rogue;
  std::vector<Ca> deep;  // deep[0] is issued by the intermediate, deep[i] by deep[i-1]
  std::string hash;      // pki_hash() of the settings the CAs were made with
  bool reused = false;   // root, intermediate and rogue root were loaded from disk

  // The CAs that publish a CRL, in chain order from the root down.
  std::vector<const Ca*> crl_issuers() const;
};

// SHA-256 (hex) over a canonical form of the [pki] settings that shape the CAs.
std::string pki_hash(const scenario::Pki& pki);

// How many sub-CAs a too-deep identity needs below the intermediate so that its chain
// holds one intermediate more than `verify_depth` allows (OpenSSL counts intermediates
// only, not the leaf and not the trust anchor).
int too_deep_sub_cas(int verify_depth);

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
