// X509_V_ERR_* codes: what a correct verifier reports for each fault, and their names.
#pragma once

#include <string>

#include "scenario/scenario.hpp"

namespace mtls::pki {

// The first error X509_verify_cert reports for an identity with this fault (trust = root,
// untrusted = the identity's chain, CRL_CHECK|CRL_CHECK_ALL, purpose sslclient, auth
// level 2). 0 (X509_V_OK) for faults only a gateway's policy or the handshake catches.
int expected_verify_error(scenario::Fault fault);

// "X509_V_ERR_CERT_HAS_EXPIRED"; "X509_V_OK" for 0; "X509_V_ERR_<n>" outside the table.
std::string verify_error_name(int code);

// OpenSSL's own text, e.g. "certificate has expired".
std::string verify_error_text(int code);

}  // namespace mtls::pki
