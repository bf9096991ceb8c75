// What the OCSP tests share: one fixture PKI with an identity per OCSP status (materialized
// once per test program), and reading an OCSPResponse back with OpenSSL.
#pragma once

#include <ctime>
#include <string>

#include "pki/fixtures.hpp"
#include "pki/ocsp.hpp"
#include "scenario/scenario.hpp"

namespace mtls::ocsp_test {

// Identities: "good", "ocsp-revoked", "ocsp-unknown", "revoked" (CRL fault), "self-signed",
// "too-deep" (issued by a sub-CA).
const scenario::Scenario& status_scenario();
const pki::Fixtures& status_fixtures();

std::filesystem::path ca_cert(const std::string& id);  // in status_fixtures()

// A DER OCSPRequest about `cert` (issued by `issuer`), with a nonce when `nonce`.
std::string request_for(X509* cert, X509* issuer, bool nonce, pki::ossl::OcspRequest* keep = nullptr);

struct Parsed {
  int response_status = -1;  // OCSP_RESPONSE_STATUS_*
  bool signature_ok = false;  // OCSP_basic_verify against the root (and `issuer` as untrusted)
  int nonce = -2;             // OCSP_check_nonce
  int cert_status = -1;       // V_OCSP_CERTSTATUS_*
  int reason = -1;            // revoked only
  std::time_t revoked_at = 0;
  bool times_valid = false;   // OCSP_check_validity
  std::string signer_subject;
};

// Parses `der`; cert_status etc. are those of `cert`/`issuer`'s CertID.
Parsed parse(const std::string& der, X509* cert, X509* issuer, OCSP_REQUEST* req = nullptr);

}  // namespace mtls::ocsp_test
