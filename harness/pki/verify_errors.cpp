#include "pki/verify_errors.hpp"

#include <openssl/x509_vfy.h>
#include <stdexcept>

namespace mtls::pki {
namespace {

using scenario::Fault;

struct FaultError {
  Fault fault;
  int error;
};

// Each row confirmed against X509_verify_cert and `openssl verify` by tests/pki.
constexpr FaultError kFaultErrors[] = {
    {Fault::none, X509_V_OK},
    {Fault::expired, X509_V_ERR_CERT_HAS_EXPIRED},
    {Fault::not_yet_valid, X509_V_ERR_CERT_NOT_YET_VALID},
    {Fault::wrong_ca, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY},
    {Fault::revoked, X509_V_ERR_CERT_REVOKED},
    {Fault::self_signed, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT},
    {Fault::wrong_eku, X509_V_ERR_INVALID_PURPOSE},
    {Fault::missing_intermediate, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY},
    {Fault::too_deep, X509_V_ERR_CERT_CHAIN_TOO_LONG},
    {Fault::weak_key, X509_V_ERR_EE_KEY_TOO_SMALL},
    // The chain is fine; the handshake (CertificateVerify) exposes the wrong key.
    {Fault::key_mismatch, X509_V_OK},
    // The chain is fine; the gateway's allow-list refuses it.
    {Fault::not_allowed, X509_V_OK},
};

struct ErrorName {
  int code;
  const char* name;
};

#define MTLS_V_ERR(e) {e, #e}
constexpr ErrorName kErrorNames[] = {
    MTLS_V_ERR(X509_V_OK),
    MTLS_V_ERR(X509_V_ERR_UNSPECIFIED),
    MTLS_V_ERR(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT),
    MTLS_V_ERR(X509_V_ERR_UNABLE_TO_GET_CRL),
    MTLS_V_ERR(X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE),
    MTLS_V_ERR(X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE),
    MTLS_V_ERR(X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY),
    MTLS_V_ERR(X509_V_ERR_CERT_SIGNATURE_FAILURE),
    MTLS_V_ERR(X509_V_ERR_CRL_SIGNATURE_FAILURE),
    MTLS_V_ERR(X509_V_ERR_CERT_NOT_YET_VALID),
    MTLS_V_ERR(X509_V_ERR_CERT_HAS_EXPIRED),
    MTLS_V_ERR(X509_V_ERR_CRL_NOT_YET_VALID),
    MTLS_V_ERR(X509_V_ERR_CRL_HAS_EXPIRED),
    MTLS_V_ERR(X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD),
    MTLS_V_ERR(X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD),
    MTLS_V_ERR(X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD),
    MTLS_V_ERR(X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD),
    MTLS_V_ERR(X509_V_ERR_OUT_OF_MEM),
    MTLS_V_ERR(X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT),
    MTLS_V_ERR(X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN),
    MTLS_V_ERR(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY),
    MTLS_V_ERR(X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE),
    MTLS_V_ERR(X509_V_ERR_CERT_CHAIN_TOO_LONG),
    MTLS_V_ERR(X509_V_ERR_CERT_REVOKED),
    MTLS_V_ERR(X509_V_ERR_NO_ISSUER_PUBLIC_KEY),
    MTLS_V_ERR(X509_V_ERR_PATH_LENGTH_EXCEEDED),
    MTLS_V_ERR(X509_V_ERR_INVALID_PURPOSE),
    MTLS_V_ERR(X509_V_ERR_CERT_UNTRUSTED),
    MTLS_V_ERR(X509_V_ERR_CERT_REJECTED),
    MTLS_V_ERR(X509_V_ERR_SUBJECT_ISSUER_MISMATCH),
    MTLS_V_ERR(X509_V_ERR_AKID_SKID_MISMATCH),
    MTLS_V_ERR(X509_V_ERR_AKID_ISSUER_SERIAL_MISMATCH),
    MTLS_V_ERR(X509_V_ERR_KEYUSAGE_NO_CERTSIGN),
    MTLS_V_ERR(X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER),
    MTLS_V_ERR(X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION),
    MTLS_V_ERR(X509_V_ERR_KEYUSAGE_NO_CRL_SIGN),
    MTLS_V_ERR(X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION),
    MTLS_V_ERR(X509_V_ERR_INVALID_NON_CA),
    MTLS_V_ERR(X509_V_ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE),
    MTLS_V_ERR(X509_V_ERR_INVALID_EXTENSION),
    MTLS_V_ERR(X509_V_ERR_INVALID_CA),
    MTLS_V_ERR(X509_V_ERR_HOSTNAME_MISMATCH),
    MTLS_V_ERR(X509_V_ERR_EMAIL_MISMATCH),
    MTLS_V_ERR(X509_V_ERR_IP_ADDRESS_MISMATCH),
    MTLS_V_ERR(X509_V_ERR_EE_KEY_TOO_SMALL),
    MTLS_V_ERR(X509_V_ERR_CA_KEY_TOO_SMALL),
    MTLS_V_ERR(X509_V_ERR_CA_MD_TOO_WEAK),
    MTLS_V_ERR(X509_V_ERR_INVALID_CALL),
    MTLS_V_ERR(X509_V_ERR_STORE_LOOKUP),
};
#undef MTLS_V_ERR

}  // namespace

int expected_verify_error(Fault fault) {
  for (const auto& row : kFaultErrors)
    if (row.fault == fault) return row.error;
  throw std::logic_error("expected_verify_error: fault missing from the table");
}

std::string verify_error_name(int code) {
  for (const auto& e : kErrorNames)
    if (e.code == code) return e.name;
  return "X509_V_ERR_" + std::to_string(code);
}

std::string verify_error_text(int code) { return X509_verify_cert_error_string(code); }

}  // namespace mtls::pki
