// What one probe connection observed, layer by layer: TCP, then TLS, then HTTP, plus the
// exact error text libcurl gave (what users see from curl and their apps). Produced by probe/,
// judged by cases/ and diagnose/, rendered by report/.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mtls::report {

enum class TcpResult { not_attempted, connected, refused, timeout, unreachable };

struct TlsAlert {
  int code = 0;
  std::string name;             // "unknown_ca"
  bool from_server = true;      // received (true) or sent by the client (false)
  bool during_handshake = true; // false: arrived after the client finished its handshake
  bool fatal = true;
};

struct Outcome {
  TcpResult tcp = TcpResult::not_attempted;

  bool handshake_done = false;  // from the client's point of view
  std::string tls_version;      // "TLSv1.3"
  std::string cipher;
  bool session_reused = false;
  std::vector<TlsAlert> alerts;  // every alert seen, in order
  // The server's CertificateRequest: whether one came, and the CA names it listed as
  // acceptable issuers of client certificates (RFC 2253; empty list: it named none).
  bool certificate_requested = false;
  std::vector<std::string> acceptable_ca_names;

  int http_status = 0;  // 0: no HTTP response
  std::string body;     // first bytes of the body
  std::map<std::string, std::string> headers;  // X-Client-* headers, lower-case names

  int curl_code = 0;
  std::string curl_error;  // libcurl's error buffer, as curl prints it

  // What bounds the probe ran under and how much came back, so a hostile or broken server
  // can be named precisely (see probe/failure.hpp).
  long timeout_ms = 0;
  std::size_t header_limit = 0;
  std::size_t header_bytes = 0;         // response header bytes received
  bool header_limit_exceeded = false;   // the probe stopped reading at header_limit
  std::size_t body_bytes = 0;           // response body bytes received (all, not just `body`)
  std::size_t body_read_limit = 0;
  bool body_limit_exceeded = false;     // the probe stopped reading at body_read_limit
  std::string first_record_header;      // first 5 bytes the server sent, as a TLS record header
  bool tls_started = false;             // the client sent TLS bytes: TCP was connected

  double connect_ms = 0, handshake_ms = 0, first_byte_ms = 0, total_ms = 0;

  // The first fatal alert the server sent, if any.
  const TlsAlert* server_alert() const {
    for (const auto& a : alerts)
      if (a.from_server && a.fatal) return &a;
    return nullptr;
  }
};

std::string to_string(TcpResult);

}  // namespace mtls::report
