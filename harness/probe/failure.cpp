#include "probe/failure.hpp"

#include <cctype>
#include <curl/curl.h>
#include <fmt/core.h>

namespace mtls::probe {
namespace {

bool has(const std::string& text, const char* what) { return text.find(what) != std::string::npos; }

// A record header's first byte is its content type: 20..24 (change_cipher_spec .. heartbeat).
bool tls_record(const std::string& header) {
  if (header.empty()) return true;  // nothing captured: do not guess
  const auto type = static_cast<unsigned char>(header[0]);
  return type >= 20 && type <= 24 && (header.size() < 2 || header[1] == 3);
}

// "HTTP/1.1 ..." shown as text, anything else as hex bytes.
std::string shown(const std::string& bytes) {
  bool printable = true;
  for (unsigned char ch : bytes) printable = printable && std::isprint(ch);
  if (printable) return "\"" + bytes + "...\"";
  std::string hex;
  for (unsigned char ch : bytes) hex += fmt::format("{}{:02x}", hex.empty() ? "" : " ", ch);
  return hex;
}

bool not_tls(const Outcome& o) {
  if (!tls_record(o.first_record_header)) return true;
  const auto& e = o.curl_error;
  return !o.handshake_done && (has(e, "wrong version number") || has(e, "packet length too long") ||
                               has(e, "unknown protocol") || has(e, "http request"));
}

}  // namespace

FailureText classify_failure(const Outcome& o) {
  const auto code = static_cast<CURLcode>(o.curl_code);
  if (o.tcp != TcpResult::connected || code == CURLE_OK) return {};
  if (o.header_limit_exceeded || has(o.curl_error, "max is") || has(o.curl_error, "giant"))
    return {Failure::header_too_large,
            fmt::format("response header too large: over {} bytes (the probe stopped reading)",
                        o.header_limit_exceeded ? o.header_limit : o.header_bytes)};
  if (o.body_limit_exceeded)
    return {Failure::body_too_large,
            fmt::format("response body too large: over {} bytes (the probe stopped reading)",
                        o.body_read_limit)};
  if (code == CURLE_OPERATION_TIMEDOUT) {
    if (!o.handshake_done)
      return {Failure::handshake_timeout,
              fmt::format("TLS handshake timeout after {} ms: the server accepted the TCP "
                          "connection but did not complete the handshake",
                          o.timeout_ms)};
    return {Failure::response_timeout,
            fmt::format("response timeout after {} ms: {} header and {} body bytes had arrived",
                        o.timeout_ms, o.header_bytes, o.body_bytes)};
  }
  if (o.server_alert()) return {};  // a refusal, told by its alert
  if (!o.handshake_done) {
    if (not_tls(o)) {
      const bool http = o.first_record_header.rfind("HTTP", 0) == 0;
      return {Failure::not_tls,
              http ? fmt::format("not TLS: the server answered in plain HTTP ({}); is this a "
                                 "TLS port?",
                                 shown(o.first_record_header))
                   : fmt::format("not TLS: the server sent bytes that are no TLS record ({})",
                                 shown(o.first_record_header))};
    }
    if (has(o.curl_error, "reset by peer"))
      return {Failure::reset_in_handshake,
              "connection reset by the server during the TLS handshake"};
    if (has(o.curl_error, "unexpected eof") || has(o.curl_error, "SSL_ERROR_SYSCALL"))
      return {Failure::closed_in_handshake,
              "connection closed by the server during the TLS handshake, without an alert"};
    return {};
  }
  if (o.http_status == 0 && o.header_bytes == 0 &&
      (code == CURLE_GOT_NOTHING || code == CURLE_RECV_ERROR))
    return {Failure::closed_before_response,
            "connection closed by the server after the handshake, before any response"};
  return {};
}

std::string to_string(Failure f) {
  switch (f) {
    case Failure::none: return "none";
    case Failure::not_tls: return "not_tls";
    case Failure::closed_in_handshake: return "closed_in_handshake";
    case Failure::reset_in_handshake: return "reset_in_handshake";
    case Failure::handshake_timeout: return "handshake_timeout";
    case Failure::response_timeout: return "response_timeout";
    case Failure::header_too_large: return "header_too_large";
    case Failure::body_too_large: return "body_too_large";
    case Failure::closed_before_response: return "closed_before_response";
  }
  return "?";
}

}  // namespace mtls::probe
