#include "common/tls_alerts.hpp"

namespace mtls::common {
namespace {

struct Alert {
  int code;
  std::string_view name;
};

constexpr Alert kAlerts[] = {
    {0, "close_notify"},
    {10, "unexpected_message"},
    {20, "bad_record_mac"},
    {22, "record_overflow"},
    {30, "decompression_failure"},
    {40, "handshake_failure"},
    {42, "bad_certificate"},
    {43, "unsupported_certificate"},
    {44, "certificate_revoked"},
    {45, "certificate_expired"},
    {46, "certificate_unknown"},
    {47, "illegal_parameter"},
    {48, "unknown_ca"},
    {49, "access_denied"},
    {50, "decode_error"},
    {51, "decrypt_error"},
    {70, "protocol_version"},
    {71, "insufficient_security"},
    {80, "internal_error"},
    {86, "inappropriate_fallback"},
    {90, "user_canceled"},
    {100, "no_renegotiation"},
    {109, "missing_extension"},
    {110, "unsupported_extension"},
    {112, "unrecognized_name"},
    {113, "bad_certificate_status_response"},
    {115, "unknown_psk_identity"},
    {116, "certificate_required"},
    {120, "no_application_protocol"},
};

}  // namespace

std::string alert_name(int code) {
  for (const auto& a : kAlerts)
    if (a.code == code) return std::string(a.name);
  return "alert_" + std::to_string(code);
}

std::optional<int> alert_code(std::string_view name) {
  for (const auto& a : kAlerts)
    if (a.name == name) return a.code;
  return std::nullopt;
}

std::vector<std::string> alert_names() {
  std::vector<std::string> out;
  for (const auto& a : kAlerts) out.emplace_back(a.name);
  return out;
}

}  // namespace mtls::common
