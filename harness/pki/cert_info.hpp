// What the manifest and reports say about a certificate: subject, serial, validity.
#pragma once

#include <ctime>
#include <string>

#include "pki/ossl.hpp"

namespace mtls::pki {

struct CertInfo {
  std::string subject;     // RFC 2253, e.g. "CN=client-valid,OU=payments,O=Example Corp"
  std::string issuer;      // RFC 2253
  std::string serial;      // uppercase hex, no separators
  std::string not_before;  // ISO 8601 UTC, "2026-01-31T12:00:00Z"
  std::string not_after;
};

CertInfo describe_cert(X509* cert);
std::string rfc2253(const X509_NAME* name);
std::string iso8601(std::time_t t);
std::string iso8601(const ASN1_TIME* t);

}  // namespace mtls::pki
