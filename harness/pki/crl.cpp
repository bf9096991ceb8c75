#include "pki/crl.hpp"

#include "common/openssl_error.hpp"
#include "pki/keys.hpp"

namespace mtls::pki {
namespace {

[[noreturn]] void fail(const CrlRequest& req, const std::string& what) {
  char name[256] = {};
  X509_NAME_oneline(X509_get_subject_name(req.ca), name, sizeof name);
  common::throw_openssl(std::string("CRL of ") + name + ": " + what);
}

void add_revoked(const CrlRequest& req, X509_CRL* crl, const ASN1_INTEGER* serial) {
  ossl::Revoked rev(X509_REVOKED_new());
  ossl::Time when(ASN1_TIME_new());
  if (!rev || !when || !ASN1_TIME_set(when.get(), req.this_update) ||
      !X509_REVOKED_set_serialNumber(rev.get(), const_cast<ASN1_INTEGER*>(serial)) ||
      !X509_REVOKED_set_revocationDate(rev.get(), when.get()))
    fail(req, "cannot build a revoked entry");
  if (!X509_CRL_add0_revoked(crl, rev.get())) fail(req, "cannot add a revoked entry");
  rev.release();  // owned by the CRL now
}

}  // namespace

ossl::Crl make_crl(const CrlRequest& req) {
  ossl::Crl crl(X509_CRL_new());
  ossl::Time last(ASN1_TIME_new());
  ossl::Time next(ASN1_TIME_new());
  if (!crl || !last || !next || !X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2) ||
      !X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(req.ca)) ||
      !ASN1_TIME_set(last.get(), req.this_update) ||
      !ASN1_TIME_set(next.get(), req.next_update) ||
      !X509_CRL_set1_lastUpdate(crl.get(), last.get()) ||
      !X509_CRL_set1_nextUpdate(crl.get(), next.get()))
    fail(req, "cannot set issuer or update times");
  for (const auto* serial : req.revoked_serials) add_revoked(req, crl.get(), serial);

  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, req.ca, nullptr, nullptr, crl.get(), 0);
  ossl::Ext aki(X509V3_EXT_conf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid:always"));
  if (!aki || !X509_CRL_add_ext(crl.get(), aki.get(), -1)) fail(req, "cannot add AKI");
  ossl::Integer number(ASN1_INTEGER_new());
  if (!number || !ASN1_INTEGER_set(number.get(), req.number) ||
      X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number.get(), 0, 0) != 1)
    fail(req, "cannot add CRL number");

  X509_CRL_sort(crl.get());
  if (X509_CRL_sign(crl.get(), req.ca_key, signing_digest(req.ca_key)) <= 0)
    fail(req, "cannot sign");
  return crl;
}

}  // namespace mtls::pki
