// A small blocking OpenSSL client for the embedded target's tests: it records exactly what
// came over the wire (the server's fatal alert, NewSessionTicket messages, HTTP answers) so
// tests can assert on them without going through the probe.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <openssl/ssl.h>

#include "scenario/scenario.hpp"
#include "target/target.hpp"
#include "tlsclient/credentials.hpp"

namespace mtls::test {

using SessionPtr = std::shared_ptr<SSL_SESSION>;

struct HttpAnswer {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

struct ClientRun {
  scenario::TlsVersion version = scenario::TlsVersion::tls1_3;
  std::optional<tlsclient::ClientCredentials> credentials;  // none: no client certificate
  std::vector<std::string> paths = {"/"};  // one keep-alive request each, last one closes
  SessionPtr resume;                       // offer this session
  std::string raw_request;                 // sent instead of `paths` when not empty
};

struct ClientResult {
  bool handshake_ok = false;
  std::optional<std::string> server_alert;  // first fatal alert received, e.g. "unknown_ca"
  std::string error;                        // OpenSSL error text of the failing step
  std::vector<HttpAnswer> answers;
  int tickets = 0;  // NewSessionTicket messages received
  bool resumed = false;
  std::string tls_version;
  SessionPtr session;  // the last session usable for resumption, if any
};

ClientResult run_client(const target::Endpoint& ep, const ClientRun& run);

}  // namespace mtls::test
