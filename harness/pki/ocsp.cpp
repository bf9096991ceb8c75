#include "pki/ocsp.hpp"

#include "common/openssl_error.hpp"
#include "pki/keys.hpp"

namespace mtls::pki {
namespace {

[[noreturn]] void fail(X509* ca, const std::string& what) {
  char name[256] = {};
  if (ca) X509_NAME_oneline(X509_get_subject_name(ca), name, sizeof name);
  common::throw_openssl(std::string("OCSP response of ") + (ca ? name : "?") + ": " + what);
}

std::string to_der(OCSP_RESPONSE* resp, X509* ca) {
  unsigned char* der = nullptr;
  const int len = i2d_OCSP_RESPONSE(resp, &der);
  if (len <= 0) fail(ca, "cannot encode");
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

void add_single(const OcspResponseRequest& req, OCSP_BASICRESP* basic, const OcspSingle& one,
                ASN1_TIME* this_update, ASN1_TIME* next_update) {
  const bool revoked = one.answer.status == scenario::OcspStatus::revoked;
  ossl::Time when(ASN1_TIME_new());
  if (!when || !ASN1_TIME_set(when.get(), revoked ? one.answer.revoked_at : 0))
    fail(req.signer.ca, "cannot set the revocation time");
  // add1 copies the CertID; it only reads it despite the non-const parameter.
  if (!OCSP_basic_add1_status(basic, const_cast<OCSP_CERTID*>(one.id),
                              ocsp_cert_status(one.answer.status),
                              revoked ? one.answer.reason : -1, revoked ? when.get() : nullptr,
                              this_update, next_update))
    fail(req.signer.ca, "cannot add a status");
}

}  // namespace

int ocsp_cert_status(scenario::OcspStatus status) {
  switch (status) {
    case scenario::OcspStatus::good: return V_OCSP_CERTSTATUS_GOOD;
    case scenario::OcspStatus::revoked: return V_OCSP_CERTSTATUS_REVOKED;
    case scenario::OcspStatus::unknown: return V_OCSP_CERTSTATUS_UNKNOWN;
  }
  return V_OCSP_CERTSTATUS_UNKNOWN;
}

std::string make_ocsp_response(const OcspResponseRequest& req) {
  X509* ca = req.signer.ca;
  ossl::OcspBasic basic(OCSP_BASICRESP_new());
  ossl::Time this_update(ASN1_TIME_new());
  ossl::Time next_update(ASN1_TIME_new());
  if (!basic || !this_update || !next_update ||
      !ASN1_TIME_set(this_update.get(), req.this_update) ||
      !ASN1_TIME_set(next_update.get(), req.next_update))
    fail(ca, "cannot set update times");
  for (const auto& one : req.answers)
    add_single(req, basic.get(), one, this_update.get(), next_update.get());
  if (req.request &&
      OCSP_copy_nonce(basic.get(), const_cast<OCSP_REQUEST*>(req.request)) <= 0)
    fail(ca, "cannot echo the request's nonce");
  if (!OCSP_basic_sign(basic.get(), ca, req.signer.ca_key, signing_digest(req.signer.ca_key),
                       nullptr, OCSP_RESPID_KEY))
    fail(ca, "cannot sign");
  ossl::OcspResponse resp(OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic.get()));
  if (!resp) fail(ca, "cannot wrap the basic response");
  return to_der(resp.get(), ca);
}

std::string make_ocsp_error(int response_status) {
  ossl::OcspResponse resp(OCSP_response_create(response_status, nullptr));
  if (!resp) fail(nullptr, "cannot create an error response");
  return to_der(resp.get(), nullptr);
}

ossl::OcspCertId ocsp_cert_id(X509* cert, X509* issuer) {
  ossl::OcspCertId id(OCSP_cert_to_id(EVP_sha1(), cert, issuer));
  if (!id) fail(issuer, "cannot make a CertID");
  return id;
}

}  // namespace mtls::pki
