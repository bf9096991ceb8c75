#include "cases/profile.hpp"

#include <string_view>

namespace mtls::cases {
namespace {

using scenario::Layer;
using scenario::Reason;
using scenario::TlsVersion;

// One row per (profile, reason): the wire form in TLS 1.2 and in TLS 1.3. Learned by running
// each gateway (README "How gateways refuse"); an empty alert list with a status means HTTP.
struct Row {
  std::string_view profile;
  Reason reason;
  WireForm tls12;
  WireForm tls13;
};

WireForm alert(std::string a) { return {Layer::tls, {std::move(a)}, std::nullopt}; }
WireForm http(int status) { return {Layer::http, {}, status}; }

const std::vector<Row>& table() {
  static const std::vector<Row> rows = {
      // strict: OpenSSL's server-side verification, as the embedded target and HAProxy-like
      // gateways do it: the handshake is aborted with the alert X509 verification maps to.
      {"strict", Reason::no_certificate, alert("handshake_failure"), alert("certificate_required")},
      {"strict", Reason::unknown_ca, alert("unknown_ca"), alert("unknown_ca")},
      {"strict", Reason::certificate_expired, alert("certificate_expired"), alert("certificate_expired")},
      {"strict", Reason::certificate_not_yet_valid, alert("bad_certificate"), alert("bad_certificate")},
      {"strict", Reason::certificate_revoked, alert("certificate_revoked"), alert("certificate_revoked")},
      {"strict", Reason::unsupported_certificate, alert("unsupported_certificate"), alert("unsupported_certificate")},
      {"strict", Reason::bad_certificate, alert("bad_certificate"), alert("bad_certificate")},
      {"strict", Reason::chain_too_long, alert("unknown_ca"), alert("unknown_ca")},
      {"strict", Reason::weak_key, alert("bad_certificate"), alert("bad_certificate")},
      {"strict", Reason::key_mismatch, alert("decrypt_error"), alert("decrypt_error")},
      {"strict", Reason::not_allowed, http(403), http(403)},
      // nginx: verification errors are kept for the HTTP layer, which answers 400 after a
      // completed handshake; only what breaks the handshake itself is an alert.
      {"nginx", Reason::no_certificate, http(400), http(400)},
      {"nginx", Reason::unknown_ca, http(400), http(400)},
      {"nginx", Reason::certificate_expired, http(400), http(400)},
      {"nginx", Reason::certificate_not_yet_valid, http(400), http(400)},
      {"nginx", Reason::certificate_revoked, http(400), http(400)},
      {"nginx", Reason::unsupported_certificate, http(400), http(400)},
      {"nginx", Reason::bad_certificate, http(400), http(400)},
      {"nginx", Reason::chain_too_long, http(400), http(400)},
      {"nginx", Reason::weak_key, http(400), http(400)},
      {"nginx", Reason::key_mismatch, alert("decrypt_error"), alert("decrypt_error")},
      {"nginx", Reason::not_allowed, http(403), http(403)},
  };
  return rows;
}

}  // namespace

std::optional<WireForm> wire_form(const std::string& profile, Reason reason, TlsVersion version) {
  for (const auto& r : table())
    if (r.profile == profile && r.reason == reason)
      return version == TlsVersion::tls1_2 ? r.tls12 : r.tls13;
  return std::nullopt;
}

std::vector<std::string> profile_names() { return {"strict", "nginx"}; }

}  // namespace mtls::cases
