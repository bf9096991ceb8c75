#include "repro/catalogue.hpp"

#include <algorithm>

namespace mtls::repro {
namespace {

using scenario::TargetKind;
using scenario::TlsVersion;

constexpr TargetKind kEmbedded = TargetKind::embedded;
constexpr TargetKind kNginx = TargetKind::nginx;

// The strict gateway aborts with `alert`. TLS 1.2: during the handshake, which libcurl reports
// as CURLE_SSL_CONNECT_ERROR (35). TLS 1.3: the client has finished its handshake before the
// server judged the certificate, so the alert arrives on the first read: CURLE_RECV_ERROR (56).
// `openssl_text` is OpenSSL's reason string for the received alert ("tlsv1 alert unknown ca").
std::vector<Claim> strict_alert(const std::string& alert, const std::string& openssl_text) {
  Claim tls12{kEmbedded, TlsVersion::tls1_2, alert, false, true, 0, "", 35, openssl_text,
              openssl_text, ""};
  Claim tls13{kEmbedded, TlsVersion::tls1_3, alert, false, false, 0, "", 56, openssl_text,
              openssl_text, ""};
  return {tls12, tls13};
}

// nginx completes the handshake and answers 400 itself; its error.log names the verify error
// (the *last* one OpenSSL's verifier saw). curl exits 0 with the 400 page.
Claim nginx_400(const std::string& body, const std::string& log) {
  return {kNginx, std::nullopt, "", false, std::nullopt, 400, body, 0, "", "400 Bad Request", log};
}

constexpr const char* kCertError = "The SSL certificate error";
constexpr const char* kNoCert = "No required SSL certificate was sent";

std::vector<Claim> join(std::vector<Claim> a, const std::vector<Claim>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Confirm-the-fix lines shared by every entry: start the target, then the corrected client.
constexpr std::string_view kServe = "{serve}";
constexpr std::string_view kCurlValid =
    "curl --cacert {trust} --cert {valid_fullchain} --key {valid_key} {resolve} {url}";

// A client certificate a correct gateway refuses: the alert per version on the strict
// target, 400 + log line on nginx.
std::vector<Claim> cert_fault(const std::string& alert, const std::string& openssl_text,
                              const std::string& nginx_log) {
  return join(strict_alert(alert, openssl_text), {nginx_400(kCertError, nginx_log)});
}

std::vector<Claim> no_certificate() {
  auto strict = strict_alert("handshake_failure", "sslv3 alert handshake failure");
  strict[1].alert = "certificate_required";
  strict[1].curl_text = strict[1].s_client_text = "tlsv13 alert certificate required";
  return join(strict, {nginx_400(kNoCert, "client sent no required SSL certificate")});
}

// Failures of the handshake itself (version, cipher): the server's alert, during the
// handshake, on every target; nginx logs why at level info.
std::vector<Claim> handshake_refused(const std::string& alert, const std::string& openssl_text,
                                     const std::string& nginx_log) {
  Claim strict{kEmbedded, std::nullopt, alert, false, true, 0, "", 35, openssl_text,
               openssl_text, ""};
  Claim nginx = strict;
  nginx.target = kNginx;
  nginx.log = nginx_log;
  return {strict, nginx};
}

// The client refuses the server: libcurl's CURLE_PEER_FAILED_VERIFICATION (60), before any
// request. `alert` is what the client sends ("" when it just closes).
std::vector<Claim> client_refuses(const std::string& alert, const std::string& curl_text,
                                  const std::string& s_client_text, const std::string& nginx_log) {
  Claim strict{kEmbedded, std::nullopt, alert, true, std::nullopt, 0, "", 60, curl_text,
               s_client_text, ""};
  Claim nginx = strict;
  nginx.target = kNginx;
  nginx.log = nginx_log;
  return {strict, nginx};
}

// The client-side twists, one helper each (partial aggregate initialisation trips -Wextra).
ClientSetup client_trusting(ClientTrust t) {
  ClientSetup c;
  c.trust = t;
  return c;
}
ClientSetup client_asking_for(std::string server_name) {
  ClientSetup c;
  c.server_name = std::move(server_name);
  return c;
}
ClientSetup client_pinned_to(TlsVersion v) {
  ClientSetup c;
  c.version = v;
  return c;
}
ClientSetup client_offering(std::string tls12_ciphers, std::string tls13_suites) {
  ClientSetup c;
  c.cipher_list = std::move(tls12_ciphers);
  c.tls13_ciphersuites = std::move(tls13_suites);
  return c;
}

const std::vector<Entry>& table() {
  static const std::vector<Entry> entries = {
      {"no-client-cert", "No client certificate sent", "no-client-cert.toml", "no-client-cert",
       {kEmbedded, kNginx}, {}, no_certificate(),
       "The client did not send a certificate, and the gateway requires one "
       "(nginx: ssl_verify_client on; TLS 1.3 gateways say certificate_required, TLS 1.2 ones "
       "handshake_failure).",
       "Configure the client with its certificate and key: curl --cert/--key, or the "
       "certificate store/keystore of your HTTP client.",
       {kServe, kCurlValid}, ""},

      {"unknown-ca", "Client certificate issued by a CA the gateway does not trust",
       "unknown-ca.toml", "unknown-ca", {kEmbedded, kNginx}, {},
       cert_fault("unknown_ca", "tlsv1 alert unknown ca",
                  "client SSL certificate verify error: (21:unable to verify the first "
                  "certificate)"),
       "The gateway cannot chain the client certificate to any CA in its client CA bundle "
       "(nginx ssl_client_certificate), so it reports unknown_ca.",
       "Issue the client certificate from a CA the gateway trusts, or add the client's issuing "
       "CA to the gateway's client CA bundle (only if that CA is meant to be trusted).",
       {"openssl verify -CAfile {ca_bundle} -untrusted {bad_fullchain} {bad_cert}   "
        "# the refused one: error 20 or 21",
        "openssl verify -CAfile {ca_bundle} -untrusted {valid_fullchain} {valid_cert}   # OK",
        kServe, kCurlValid},
       ""},

      {"expired", "Client certificate expired", "expired.toml", "expired",
       {kEmbedded, kNginx}, {},
       [] {
         auto claims = cert_fault("certificate_expired", "sslv3 alert certificate expired",
                                  "client SSL certificate verify error: (10:certificate has "
                                  "expired)");
         // libcurl maps a *received* certificate_expired alert in TLS 1.2 to its server-
         // verification error: curl blames the server for the client's certificate.
         claims[0].curl_code = 60;
         claims[0].curl_text = "SSL certificate verification failed";
         return claims;
       }(),
       "The client certificate's notAfter has passed (a correct gateway checks the validity "
       "window on every handshake). Note: in TLS 1.2 curl reports it as '(60) SSL certificate "
       "verification failed', which reads like a problem with the server's certificate.",
       "Renew the client certificate and deploy the new one (cert and key) to the client.",
       {"openssl x509 -in {bad_cert} -noout -dates   # notAfter is in the past",
        "openssl x509 -in {valid_cert} -noout -dates", kServe, kCurlValid},
       ""},

      {"not-yet-valid", "Client certificate not yet valid", "not-yet-valid.toml",
       "not-yet-valid", {kEmbedded, kNginx}, {},
       cert_fault("bad_certificate", "sslv3 alert bad certificate",
                  "client SSL certificate verify error: (9:certificate is not yet valid)"),
       "The client certificate's notBefore is in the future: it was issued with a future start "
       "date, or the gateway's clock is behind the CA's. OpenSSL-based gateways send a generic "
       "bad_certificate for it.",
       "Check the gateway's clock (NTP); reissue the certificate with notBefore at or before "
       "now (CAs usually backdate a few minutes).",
       {"openssl x509 -in {bad_cert} -noout -startdate; date -u   # notBefore is after now",
        kServe, kCurlValid},
       ""},

      {"revoked", "Client certificate revoked (CRL)", "revoked.toml", "revoked",
       {kEmbedded, kNginx}, {},
       cert_fault("certificate_revoked", "sslv3 alert certificate revoked",
                  "client SSL certificate verify error: (23:certificate revoked)"),
       "The client certificate's serial is on its issuer's CRL, which the gateway loads "
       "(nginx ssl_crl).",
       "Issue a new certificate for the client; if the revocation was a mistake, the CRL "
       "cannot take it back: reissue.",
       {"openssl verify -crl_check_all -CRLfile {crl_bundle} -CAfile {ca_bundle} -untrusted "
        "{bad_fullchain} {bad_cert}   # certificate revoked",
        "openssl verify -crl_check_all -CRLfile {crl_bundle} -CAfile {ca_bundle} -untrusted "
        "{valid_fullchain} {valid_cert}   # OK",
        kServe, kCurlValid},
       ""},

      {"wrong-eku", "Client certificate without the clientAuth extended key usage",
       "wrong-eku.toml", "wrong-eku", {kEmbedded, kNginx}, {},
       cert_fault("unsupported_certificate", "sslv3 alert unsupported certificate",
                  "client SSL certificate verify error: (26:unsuitable certificate purpose)"),
       "The certificate's extendedKeyUsage allows serverAuth only; a gateway verifying client "
       "certificates requires clientAuth (OpenSSL purpose sslclient).",
       "Reissue the certificate with extendedKeyUsage = clientAuth (or serverAuth, clientAuth "
       "for a certificate used both ways).",
       {"openssl x509 -in {bad_cert} -noout -ext extendedKeyUsage   # TLS Web Server "
        "Authentication only",
        "openssl verify -purpose sslclient -CAfile {ca_bundle} -untrusted {valid_fullchain} "
        "{valid_cert}   # OK",
        kServe, kCurlValid},
       ""},

      {"missing-intermediate", "Client sends its certificate without the intermediate CA",
       "missing-intermediate.toml", "missing-intermediate", {kEmbedded, kNginx}, {},
       cert_fault("unknown_ca", "tlsv1 alert unknown ca",
                  "client SSL certificate verify error: (21:unable to verify the first "
                  "certificate)"),
       "The gateway trusts only the root; the client sends its leaf alone, so the gateway "
       "cannot link it to the root and reports unknown_ca, as if the CA were foreign.",
       "Send the chain: give the client a full chain file (leaf, then intermediates: "
       "curl --cert fullchain.pem), or add the intermediate to the gateway's client CA bundle.",
       {"openssl verify -CAfile {ca_bundle} {bad_cert}   # error 20: no intermediate",
        "cat {bad_cert} {intermediate} > {bad_dir}/fullchain-fixed.pem",
        kServe,
        "curl --cacert {trust} --cert {bad_dir}/fullchain-fixed.pem --key {bad_key} {resolve} "
        "{url}"},
       ""},

      {"too-deep", "Client chain deeper than the gateway's verify depth", "too-deep.toml",
       "too-deep", {kEmbedded, kNginx}, {},
       cert_fault("unknown_ca", "tlsv1 alert unknown ca",
                  "client SSL certificate verify error: (3:unable to get certificate CRL)"),
       "The client's chain has more CA certificates between the leaf and the root than the "
       "gateway's verify depth allows (nginx ssl_verify_depth), so verification stops before "
       "the trust anchor; nginx even logs an unrelated-looking error (the last one its "
       "verifier saw).",
       "Raise the gateway's verify depth to cover the chain (nginx: ssl_verify_depth), or issue "
       "the client from a CA closer to the root.",
       {"openssl verify -verify_depth {depth} -CAfile {ca_bundle} -untrusted {bad_fullchain} "
        "{bad_cert}   # certificate chain too long",
        "openssl verify -verify_depth 4 -CAfile {ca_bundle} -untrusted {bad_fullchain} "
        "{bad_cert}   # OK with a deeper limit",
        kServe, kCurlValid},
       ""},

      {"server-untrusted", "Client does not trust the server's CA", "server-untrusted.toml",
       "server-untrusted", {kEmbedded, kNginx}, client_trusting(ClientTrust::rogue_ca),
       client_refuses("unknown_ca", "unable to get local issuer certificate",
                      "verify error:num=20:unable to get local issuer certificate",
                      "alert unknown ca"),
       "The client verifies the server with a CA file that does not contain the CA that "
       "issued the server certificate, so the client itself aborts (curl 60), before the "
       "gateway ever looks at the client certificate.",
       "Give the client the CA that issued the server's chain (curl --cacert, or the "
       "truststore of your HTTP client); the client CA bundle of the gateway is a different "
       "thing.",
       {kServe,
        "openssl s_client -connect 127.0.0.1:8443 -servername localhost -showcerts </dev/null "
        "| grep -E '^ *[0-9] s:|i:'   # the issuer the client must trust",
        kCurlValid},
       ""},

      {"name-mismatch", "Server certificate does not carry the name the client asked for",
       "name-mismatch.toml", "name-mismatch", {kEmbedded, kNginx},
       client_asking_for("wrong-name.example"),
       client_refuses("", "no alternative certificate subject name matches target host name "
                          "'wrong-name.example'",
                      "verify error:num=62:hostname mismatch",
                      "client closed connection while waiting for request"),
       "The client connects by a name (wrong-name.example) that is not among the server "
       "certificate's subjectAltNames, so the client refuses the server (curl 60).",
       "Connect by a name the certificate carries (curl --resolve NAME:PORT:IP keeps the name "
       "while choosing the address), or reissue the server certificate with that name.",
       {"openssl x509 -in {server_cert} -noout -ext subjectAltName   # the names it carries",
        kServe, kCurlValid},
       ""},

      {"no-shared-version", "No TLS version in common (gateway 1.3 only, client 1.2)",
       "no-shared-version.toml", "no-shared-version", {kEmbedded, kNginx},
       client_pinned_to(TlsVersion::tls1_2),
       handshake_refused("protocol_version", "tlsv1 alert protocol version",
                         "unsupported protocol"),
       "The gateway offers only TLS 1.3 and the client only TLS 1.2, so the server aborts "
       "the handshake with protocol_version before certificates are exchanged.",
       "Enable TLS 1.3 in the client (OpenSSL 1.1.1+, curl --tlsv1.3; Java 11+) or TLS 1.2 "
       "on the gateway (nginx: ssl_protocols TLSv1.2 TLSv1.3).",
       {kServe, "curl --tlsv1.3 --cacert {trust} --cert {valid_fullchain} --key {valid_key} "
                "{resolve} {url}"},
       ""},

      {"no-shared-cipher", "No cipher in common (client offers only RSA-key ciphers)",
       "no-shared-cipher.toml", "no-shared-cipher", {kEmbedded, kNginx},
       client_offering("AES128-SHA", "TLS_AES_128_CCM_8_SHA256"),
       handshake_refused("handshake_failure", "sslv3 alert handshake failure",
                         "no shared cipher"),
       "The client offers only cipher suites the gateway cannot use (TLS 1.2: RSA key "
       "exchange with an EC server key; TLS 1.3: a CCM suite servers do not enable), so "
       "the server aborts with handshake_failure.",
       "Let the client offer current suites (drop its cipher override, or include "
       "ECDHE-ECDSA/ECDHE-RSA AES-GCM and TLS_AES_128_GCM_SHA256).",
       {"openssl ciphers -v 'AES128-SHA'   # Kx=RSA Au=RSA: needs an RSA server key", kServe,
        kCurlValid},
       ""},

      {"app-never-sends-cert", "Works with curl, fails from the app: the app never sends the "
                               "certificate",
       "app-never-sends-cert.toml", "app-never-sends-cert", {kEmbedded, kNginx}, {},
       no_certificate(),
       "curl sends the certificate but the application's TLS stack sends none: it was not "
       "configured with it (keystore, cert= parameter, agent options) or, like Java, .NET "
       "and browsers, it only sends a certificate whose issuer is among the CA names the "
       "server advertises, and silently sends nothing otherwise.",
       "Configure the application with the certificate and key, and include the intermediate "
       "in its keystore/chain so the chain reaches a CA the server lists ('Acceptable client "
       "certificate CA names' below); check with `mtls-harness diagnose`.",
       {kServe,
        "openssl s_client -connect 127.0.0.1:8443 -servername localhost -CAfile {trust} "
        "</dev/null | sed -n '/Acceptable client certificate CA names/,/Requested/p'",
        "mtls-harness diagnose --url https://127.0.0.1:8443/ --servername localhost --cacert "
        "{trust} --cert {valid_fullchain} --key {valid_key}",
        kCurlValid},
       "valid"},
  };
  return entries;
}

}  // namespace

std::span<const Entry> catalogue() { return table(); }

const Entry* find(std::string_view name) {
  for (const auto& e : table())
    if (e.name == name) return &e;
  return nullptr;
}

std::vector<const Claim*> claims_for(const Entry& e, TargetKind kind, TlsVersion v) {
  std::vector<const Claim*> out;
  for (const auto& c : e.claims)
    if (c.target == kind && c.version == v) out.push_back(&c);
  for (const auto& c : e.claims)
    if (c.target == kind && !c.version) out.push_back(&c);
  return out;
}

bool applies_to(const Entry& e, TargetKind kind) {
  return std::find(e.targets.begin(), e.targets.end(), kind) != e.targets.end();
}

}  // namespace mtls::repro
