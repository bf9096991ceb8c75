// Certificate revocation lists: one per CA, v2 with AKI and a CRL number.
#pragma once

#include <ctime>
#include <vector>

#include "pki/ossl.hpp"

namespace mtls::pki {

struct CrlRequest {
  X509* ca = nullptr;
  EVP_PKEY* ca_key = nullptr;
  std::vector<const ASN1_INTEGER*> revoked_serials;
  std::time_t this_update = 0;
  std::time_t next_update = 0;
  // Increases with every regeneration so a gateway reloading CRLs sees a newer one.
  long number = 0;
};

ossl::Crl make_crl(const CrlRequest& req);

}  // namespace mtls::pki
