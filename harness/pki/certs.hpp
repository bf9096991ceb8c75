// Issuing X.509 v3 certificates: the CA profile and the leaf profile the fixture PKI uses.
#pragma once

#include <ctime>
#include <string>
#include <vector>

#include "pki/ossl.hpp"

namespace mtls::pki {

enum class Profile { ca, client, server };

struct CertRequest {
  Profile profile = Profile::client;
  std::string common_name;
  std::string organization;
  std::string organizational_unit;  // omitted when empty
  std::vector<std::string> san_dns;
  std::vector<std::string> san_uri;
  std::vector<std::string> san_ip;
  // Leaves: the EKU written, normally the one the profile implies; wrong-eku swaps it.
  bool eku_server_auth = false;
  std::time_t not_before = 0;
  std::time_t not_after = 0;
};

// Who signs: nullptr cert means self-signed with the subject's own key.
struct Signer {
  X509* cert = nullptr;
  EVP_PKEY* key = nullptr;
};

// CA: basicConstraints CA:TRUE (critical), keyUsage keyCertSign+cRLSign (critical), no
// path length (so a too-deep chain fails on depth, not on pathlen).
// Leaf: CA:FALSE, keyUsage digitalSignature (+keyEncipherment for RSA), EKU, SAN.
// Both: SKI, AKI, a random positive 127-bit serial.
ossl::Cert issue(const CertRequest& req, EVP_PKEY* subject_key, const Signer& signer);

// Seconds since the epoch, `days` from now.
std::time_t days_from_now(int days, std::time_t now = std::time(nullptr));

}  // namespace mtls::pki
