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
      // nginx `ssl_ocsp`: asked after the chain verified, answered like a verification
      // failure (400, $ssl_client_verify "FAILED:certificate revoked" / "certificate status
      // unknown" / "certificate status request failed"). No answer is a refusal: hard fail.
      {"nginx", Reason::ocsp_revoked, http(400), http(400)},
      {"nginx", Reason::ocsp_unknown, http(400), http(400)},
      {"nginx", Reason::ocsp_unavailable, http(400), http(400)},
      // caddy 2.6 (Go crypto/tls): one alert, bad_certificate, for every verification fault
      // and for a missing certificate. Go checks no CRL, has no depth limit and accepts RSA-1024
      // keys, so certificate_revoked, chain_too_long and weak_key have no row: Caddy cannot
      // refuse them (README "How gateways refuse").
      {"caddy", Reason::no_certificate, alert("bad_certificate"), alert("bad_certificate")},
      {"caddy", Reason::unknown_ca, alert("bad_certificate"), alert("bad_certificate")},
      {"caddy", Reason::certificate_expired, alert("bad_certificate"), alert("bad_certificate")},
      {"caddy", Reason::certificate_not_yet_valid, alert("bad_certificate"), alert("bad_certificate")},
      {"caddy", Reason::unsupported_certificate, alert("bad_certificate"), alert("bad_certificate")},
      {"caddy", Reason::bad_certificate, alert("bad_certificate"), alert("bad_certificate")},
      {"caddy", Reason::key_mismatch, alert("decrypt_error"), alert("decrypt_error")},
      {"caddy", Reason::not_allowed, http(403), http(403)},
  };
  return rows;
}

// HAProxy 2.6 and Apache httpd 2.4 verify with OpenSSL and abort the handshake with the alert
// its verifier maps the error to, like strict; they differ only where listed here.
struct Difference {
  std::string_view profile;
  Reason reason;
  std::optional<Row> row;  // nullopt: the gateway cannot refuse this reason at all
};

const std::vector<Difference>& differences() {
  static const std::vector<Difference> diffs = {
      // HAProxy 2.6 has no verify-depth setting: a chain deeper than verify_depth is accepted.
      {"haproxy", Reason::chain_too_long, std::nullopt},
      // Apache answers a chain deeper than SSLVerifyDepth with internal_error.
      {"apache", Reason::chain_too_long,
       Row{"apache", Reason::chain_too_long, alert("internal_error"), alert("internal_error")}},
  };
  return diffs;
}

// The strict rows under `profile`'s name, with its differences applied.
std::optional<Row> like_strict(std::string_view profile, Reason reason) {
  for (const auto& d : differences())
    if (d.profile == profile && d.reason == reason) return d.row;
  for (const auto& r : table())
    if (r.profile == "strict" && r.reason == reason) return r;
  return std::nullopt;
}

bool is_like_strict(std::string_view profile) { return profile == "haproxy" || profile == "apache"; }

}  // namespace

std::optional<WireForm> wire_form(const std::string& profile, Reason reason, TlsVersion version) {
  std::optional<Row> row;
  if (is_like_strict(profile)) {
    row = like_strict(profile, reason);
  } else {
    for (const auto& r : table())
      if (r.profile == profile && r.reason == reason) row = r;
  }
  if (!row) return std::nullopt;
  return version == TlsVersion::tls1_2 ? row->tls12 : row->tls13;
}

std::vector<std::string> profile_names() { return {"strict", "nginx", "haproxy", "apache", "caddy"}; }

}  // namespace mtls::cases
