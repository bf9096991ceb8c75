// PKCS#12 files for Java/.NET clients.
#pragma once

#include <string>
#include <vector>

#include "pki/ossl.hpp"

namespace mtls::pki {

// DER bytes of a PKCS#12 holding `key`, `cert` (friendly name `alias`) and `chain`.
// AES-256-CBC/PBKDF2 bags and a SHA-256 MAC, as OpenSSL 3 and Java 17 default to.
// Built bag by bag rather than with PKCS12_create, which refuses a key that does not match
// the certificate — exactly what the key-mismatch fault needs to ship. Key and leaf share
// a localKeyID (SHA-1 of the leaf), so keystores pair them either way.
std::string make_p12(EVP_PKEY* key, X509* cert, const std::vector<X509*>& chain,
                     const std::string& alias, const std::string& password);

}  // namespace mtls::pki
