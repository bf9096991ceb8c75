// One conformance connection with libcurl: connect, handshake (with or without a client
// certificate), send one GET, read the answer, and record every TLS alert on the way.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "probe/observed.hpp"
#include "scenario/scenario.hpp"
#include "tlsclient/credentials.hpp"

namespace mtls::probe {

struct Request {
  std::string url;              // https://server_name:port/path
  std::string connect_host;     // numeric address to connect to instead of resolving
  int connect_port = 0;
  std::string trust;            // CA file to verify the server with
  std::optional<tlsclient::ClientCredentials> client;  // nullopt: send no certificate
  scenario::TlsVersion version = scenario::TlsVersion::tls1_3;
  long timeout_ms = 5000;        // the whole exchange: connect, handshake, response
  std::size_t body_limit = 512;  // bytes of the body kept in Outcome::body (the rest is read)
  // Response header bytes accepted before the probe gives up on the answer (a hostile
  // server could send megabytes); libcurl's own cap for one header line is 100 KiB.
  std::size_t header_limit = 64 * 1024;
  // Response body bytes read before the probe gives up (the answer of a gateway is small).
  std::size_t body_read_limit = 1024 * 1024;
  // Narrow what the client offers (repro: no shared cipher). OpenSSL cipher strings; empty
  // keeps libcurl's defaults. `cipher_list` is for TLS 1.2, `tls13_ciphersuites` for 1.3.
  std::string cipher_list;
  std::string tls13_ciphersuites;
  // Request headers sent besides curl's own ("Name: value"): a case's `headers` (forged
  // identity headers among them), its `host` ("Host: ..."), the request id the recording
  // backend files the request under.
  std::vector<std::string> headers;
  // false: do not verify the server (diagnose goes on to learn what the server thinks of the
  // client certificate after it found that the client does not trust the server).
  bool verify_server = true;
};

// Never throws for network or TLS failures: those are outcomes. Throws only when the
// client itself cannot be set up (e.g. an unreadable certificate file).
Outcome run(const Request& r);

// "libcurl/7.88.1 OpenSSL/3.0.x ..." for report metadata.
std::string curl_version();

}  // namespace mtls::probe
