// OCSP responses (RFC 6960) about fixture certificates: good, revoked (with time and reason)
// or unknown. Each is signed by the CA that issued the certificate in question, not by a
// delegated responder certificate: every verifier accepts the issuer itself as responder
// (RFC 6960 4.2.2.2), so nginx's `ssl_ocsp on` can check the intermediate against the root
// and the leaf against the intermediate without one more certificate per CA to issue and keep.
#pragma once

#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include <openssl/ocsp.h>

#include "pki/ossl.hpp"
#include "scenario/scenario.hpp"

namespace mtls::pki {

namespace ossl {
using OcspRequest = std::unique_ptr<OCSP_REQUEST, Deleter<OCSP_REQUEST, OCSP_REQUEST_free>>;
using OcspResponse = std::unique_ptr<OCSP_RESPONSE, Deleter<OCSP_RESPONSE, OCSP_RESPONSE_free>>;
using OcspBasic = std::unique_ptr<OCSP_BASICRESP, Deleter<OCSP_BASICRESP, OCSP_BASICRESP_free>>;
using OcspCertId = std::unique_ptr<OCSP_CERTID, Deleter<OCSP_CERTID, OCSP_CERTID_free>>;
}  // namespace ossl

struct OcspAnswer {
  scenario::OcspStatus status = scenario::OcspStatus::good;
  std::time_t revoked_at = 0;                      // revoked only
  int reason = OCSP_REVOKED_STATUS_KEYCOMPROMISE;  // CRLReason, revoked only
};

struct OcspSigner {
  X509* ca = nullptr;  // issued the certificates answered for
  EVP_PKEY* ca_key = nullptr;
};

struct OcspSingle {
  const OCSP_CERTID* id = nullptr;  // as the client sent it (hash algorithm included)
  OcspAnswer answer;
};

struct OcspResponseRequest {
  OcspSigner signer;
  std::vector<OcspSingle> answers;
  const OCSP_REQUEST* request = nullptr;  // its nonce is echoed when it has one
  std::time_t this_update = 0;
  std::time_t next_update = 0;
};

// A successful OCSPResponse (DER) with one SingleResponse per answer, responder ID by key
// hash (RFC 5019), the signer's certificate included.
std::string make_ocsp_response(const OcspResponseRequest& req);

// An unsuccessful OCSPResponse (DER): only the status, e.g. OCSP_RESPONSE_STATUS_UNAUTHORIZED.
std::string make_ocsp_error(int response_status);

// The CertID of `cert` issued by `issuer`, hashed with SHA-1 as nginx and `openssl ocsp` do.
ossl::OcspCertId ocsp_cert_id(X509* cert, X509* issuer);

// "good", "revoked", "unknown" -> V_OCSP_CERTSTATUS_*.
int ocsp_cert_status(scenario::OcspStatus status);

}  // namespace mtls::pki
