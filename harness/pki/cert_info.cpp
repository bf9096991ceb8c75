#include "pki/cert_info.hpp"

#include "common/openssl_error.hpp"

namespace mtls::pki {

std::string rfc2253(const X509_NAME* name) {
  ossl::Bio bio(BIO_new(BIO_s_mem()));
  // ESC_MSB off: keep UTF-8 names readable instead of \C3\A9 escapes.
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0)
    common::throw_openssl("cannot print a distinguished name");
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::string iso8601(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string iso8601(const ASN1_TIME* t) {
  std::tm tm{};
  if (!ASN1_TIME_to_tm(t, &tm)) common::throw_openssl("cannot read a certificate time");
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

CertInfo describe_cert(X509* cert) {
  CertInfo info;
  info.subject = rfc2253(X509_get_subject_name(cert));
  info.issuer = rfc2253(X509_get_issuer_name(cert));
  ossl::Bn bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
  char* hex = bn ? BN_bn2hex(bn.get()) : nullptr;
  if (!hex) common::throw_openssl("cannot read a certificate serial");
  info.serial = hex;
  OPENSSL_free(hex);
  info.not_before = iso8601(X509_get0_notBefore(cert));
  info.not_after = iso8601(X509_get0_notAfter(cert));
  return info;
}

}  // namespace mtls::pki
