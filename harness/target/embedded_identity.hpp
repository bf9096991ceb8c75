// What the embedded target knows about the client after the handshake, and the answer it
// gives: the same facts nginx exposes as $ssl_client_* variables, so a probe reads the
// embedded target and an nginx gateway alike.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <openssl/ssl.h>

#include "scenario/scenario.hpp"

namespace mtls::target::embedded {

struct ClientIdentity {
  bool presented = false;  // the client sent a certificate (or resumed a session with one)
  long verify_result = 0;  // X509_V_ERR_*; 0 = X509_V_OK
  std::string verify;      // nginx $ssl_client_verify: SUCCESS | NONE | FAILED:<reason>
  std::string subject;     // RFC 2253, UTF-8 unescaped like nginx's $ssl_client_s_dn
  std::string issuer;
  std::string serial;      // upper-case hex, like $ssl_client_serial
  std::vector<std::string> common_names;
  std::vector<std::string> san_dns;
  std::vector<std::string> san_uri;
  std::string tls_version;  // "TLSv1.3"
  std::string cipher;
  bool session_reused = false;

  bool verified() const { return presented && verify_result == 0; }
};

// Reads the peer of a completed handshake (full or resumed).
ClientIdentity read_client_identity(SSL* ssl);

// A verified identity matches the allow-list by CN, SAN DNS or SAN URI. An empty list allows
// everyone; an unverified certificate (optional_no_ca) never matches a non-empty list.
bool allowed(const ClientIdentity& id, const scenario::AllowList& allow);

struct Answer {
  int status = 200;
  std::string body;  // JSON
  std::vector<std::pair<std::string, std::string>> headers;
};

// The JSON echo of `id` for a request to `path`, or 403 {"error":"not_allowed"} by policy.
Answer answer(const ClientIdentity& id, const scenario::AllowList& allow, std::string_view path);

}  // namespace mtls::target::embedded
