// Verifies a client certificate the way a correct mTLS gateway configured from the
// fixtures would: trust = ca_bundle, CRLs = crl_bundle for every CA in the chain, depth =
// verify_depth, purpose sslclient, security level 2. Tests and `diagnose` use it.
#pragma once

#include <filesystem>
#include <string>

#include "pki/fixtures.hpp"

namespace mtls::pki {

struct VerifyResult {
  int error = 0;         // X509_V_OK or the first X509_V_ERR_* OpenSSL reports
  int depth = 0;         // chain position of the failing certificate, 0 = the leaf
  std::string name;      // "X509_V_ERR_CERT_HAS_EXPIRED"
  std::string text;      // "certificate has expired"
  std::string subject;   // RFC 2253 subject of the failing certificate, when known
  bool ok() const { return error == 0; }
};

// `cert`: the leaf is the first certificate in the file (a fullchain works too, its
// other certificates join the untrusted ones). `chain`: untrusted intermediates; may be
// empty. Throws std::runtime_error naming the file if a file cannot be read.
VerifyResult verify_client(const Fixtures& f, const std::filesystem::path& cert,
                           const std::filesystem::path& chain);

}  // namespace mtls::pki
