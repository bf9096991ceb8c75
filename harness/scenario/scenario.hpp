// The scenario as plain value types, every default resolved by the loader.
// Every later stage (pki, target, cases, load, report) reads only these structs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mtls::scenario {

// The identity name a case or a load mix uses for "send no client certificate". It cannot be
// an identity's own name (the loader refuses it).
inline constexpr std::string_view kNoCertificate = "none";
inline bool sends_no_certificate(std::string_view identity) { return identity == kNoCertificate; }

enum class KeyType { ec_p256, ec_p384, rsa_2048, rsa_3072, rsa_4096, ed25519 };

// What is wrong with a client identity. `none` is a valid identity; `not_allowed` is valid
// PKI-wise and refused only by the gateway's policy (allow-list).
enum class Fault {
  none,
  expired,
  not_yet_valid,
  wrong_ca,
  revoked,
  self_signed,
  wrong_eku,
  missing_intermediate,
  too_deep,
  weak_key,
  key_mismatch,
  not_allowed,
};

enum class TlsVersion { tls1_2, tls1_3 };

// nginx, haproxy, apache (httpd), caddy: a real gateway the harness launches from a template.
enum class TargetKind { embedded, nginx, external, haproxy, apache, caddy };

// How the target asks for a client certificate (nginx's ssl_verify_client vocabulary).
enum class VerifyMode { required, optional, optional_no_ca, off };

enum class ExpectKind { accept, reject };

// Where a refusal is expected to show: any layer, a TLS alert, or an HTTP status.
enum class Layer { any, tcp, tls, http };

// Canonical refusal reasons (DESIGN.md "Canonical outcomes"): a gateway profile says how
// each one shows on the wire.
enum class Reason {
  no_certificate,
  unknown_ca,
  certificate_expired,
  certificate_not_yet_valid,
  certificate_revoked,
  unsupported_certificate,
  bad_certificate,
  chain_too_long,
  weak_key,
  key_mismatch,
  not_allowed,
  // OCSP (client-certificate status checking): what the responder says, or that none answered.
  ocsp_revoked,
  ocsp_unknown,
  ocsp_unavailable,
};

// What the fixture OCSP responder answers for an identity (RFC 6960 CertStatus).
enum class OcspStatus { good, revoked, unknown };

// Whether the gateway asks an OCSP responder about client certificates: not at all, about
// the leaf only (nginx `ssl_ocsp leaf`), or about every certificate of the chain (`ssl_ocsp on`).
enum class OcspCheck { off, leaf, chain };

// The fixture responder for a scenario: answering on loopback, or down (a port nobody
// listens on), to see whether the gateway fails open or closed.
enum class OcspResponder { up, down };

// Where a key came from in the TOML file, for messages that point at it.
struct SourceRef {
  int line = 0;
  int column = 0;
};

struct Identity {
  std::string name;
  Fault fault = Fault::none;
  KeyType key_type = KeyType::ec_p256;  // default: [pki].key_type
  std::string common_name;              // default: the identity's name
  std::vector<std::string> san_dns;
  std::vector<std::string> san_uri;     // e.g. spiffe://cluster.local/ns/prod/sa/order
  std::string organization;             // default: [pki].organization
  std::string organizational_unit;
  // Validity window in days relative to generation time. Faults expired / not-yet-valid
  // pick their own window unless the scenario sets one.
  int not_before_days = -1;
  int not_after_days = 365;
  // Brought from files (a team's real CA) instead of generated; empty when generated.
  std::filesystem::path cert_file;
  std::filesystem::path key_file;
  std::filesystem::path chain_file;
  // The environment variable holding the passphrase of an encrypted `key_file`; empty: none.
  std::string key_password_env;
  // Default: revoked for a revoked identity (the CA says so on its CRL and by OCSP), else good.
  // `revoked` on a valid identity is a revocation only OCSP knows of (the CRL is older).
  OcspStatus ocsp = OcspStatus::good;
  SourceRef where;

  bool generated() const { return cert_file.empty(); }
};

// [pki] ca_cert...: the user's own CA issues the client identities, so the gateway's trust is
// tested as written. Keys are read where they are, never copied into the fixture set.
struct UserCa {
  std::filesystem::path ca_cert;
  std::filesystem::path ca_key;            // empty: only brought (and wrong-ca, self-signed) identities
  std::string ca_key_password_env;
  // The root's published CRL, for chains checked end to end (nginx ssl_crl, the preflight)
  // when the harness cannot sign one because only the intermediate's key is given.
  std::filesystem::path ca_crl;
  std::filesystem::path intermediate_cert;  // issues the clients when set
  std::filesystem::path intermediate_key;
  std::string intermediate_key_password_env;
  bool given() const { return !ca_cert.empty(); }
  // The certificate and key of the CA that signs client leaves: the intermediate when there is one.
  const std::filesystem::path& issuer_cert() const { return intermediate_cert.empty() ? ca_cert : intermediate_cert; }
  const std::filesystem::path& issuer_key() const { return intermediate_cert.empty() ? ca_key : intermediate_key; }
};

struct Pki {
  UserCa user_ca;
  KeyType key_type = KeyType::ec_p256;
  std::string organization = "mtls-harness";
  int ca_validity_days = 3650;
  int validity_days = 365;
  std::vector<std::string> server_dns = {"localhost"};
  std::vector<std::string> server_ips = {"127.0.0.1", "::1"};
  // Verify depth the gateway is configured with (nginx ssl_verify_depth); a too-deep
  // identity is issued under a chain one CA longer than this allows.
  int verify_depth = 2;
  std::string p12_password = "changeit";
};

struct AllowList {
  std::vector<std::string> common_names;
  std::vector<std::string> san_dns;
  std::vector<std::string> san_uri;
  bool empty() const { return common_names.empty() && san_dns.empty() && san_uri.empty(); }
};

struct Target {
  TargetKind kind = TargetKind::embedded;
  // How the gateway expresses refusals: "strict" (alerts, the embedded target), "nginx"
  // (HTTP 400 after a completed handshake), "haproxy", "apache", "caddy". Default follows
  // `kind`; external: "strict".
  std::string profile = "strict";
  VerifyMode verify = VerifyMode::required;
  bool crl = true;
  int verify_depth = 2;  // default: [pki].verify_depth
  AllowList allow;
  std::vector<TlsVersion> tls_versions = {TlsVersion::tls1_2, TlsVersion::tls1_3};
  bool session_cache = true;
  bool session_tickets = true;
  // Launched gateways: which template under fixtures/<kind>/ to render (e.g. "verify-on").
  std::string nginx_template = "verify-on";
  std::string nginx_binary = "nginx";
  // Launched gateways: the user's own config file instead of a template (absolute), and the
  // port of the listener cases go to when it has several ("443"; empty: its only TLS one).
  std::filesystem::path config;
  std::string listener;
  // With config and the user's CA: the CRL file the config names is checked as written
  // instead of the one the harness signs (then revoked identities must be brought).
  bool gateway_crl = false;
  // Client-certificate OCSP (nginx only): the harness runs a responder on loopback.
  OcspCheck ocsp = OcspCheck::off;
  OcspResponder ocsp_responder = OcspResponder::up;
  // external: where the gateway listens, the name to send as SNI, the CA to trust.
  std::string url;
  std::string server_name;
  std::filesystem::path ca_file;
  // external, running on this host: whose CPU the load phases charge to the target (the
  // process and its descendants, as for a launched gateway). pid_file is read when a phase
  // starts, so a gateway restarted between phases is still found.
  int pid = 0;
  std::filesystem::path pid_file;
  int timeout_ms = 5000;
  SourceRef where;
};

struct Expectation {
  ExpectKind kind = ExpectKind::accept;
  std::optional<Reason> reason;        // canonical, translated by the target's profile
  std::optional<std::string> alert;    // pinned wire alert name, e.g. "unknown_ca"
  std::optional<int> status;           // pinned HTTP status, e.g. 400 or 403
  Layer layer = Layer::any;
  std::optional<std::string> seen_identity;  // substring of the DN the backend reports
  // Whether the request must reach the recording backend; nullopt: reached for accept, not
  // reached for reject. Only judged when the target has a recording backend.
  std::optional<bool> backend_reached;
  // What the backend must receive: header name -> exact value, a glob (`*` for any run of
  // characters), or "absent".
  std::vector<std::pair<std::string, std::string>> backend_headers;
};

// An identity × expectation, run on each TLS version listed.
struct Case {
  std::string name;
  std::string identity;  // an identity's name, or "none" for no client certificate
  Expectation expect;
  std::vector<TlsVersion> tls_versions;  // default: [target].tls_versions
  std::string path = "/";
  // Request headers the client sends (a forged X-Client-DN, say), and a Host distinct from
  // the SNI name ("" : the SNI name).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string host;
  std::string skip;  // non-empty: case is disabled, with this reason
  SourceRef where;
};

// ---- load phases ([[load]]) ----

// How a phase resumes sessions: none (every handshake full), TLS 1.2 session IDs, TLS 1.2
// tickets, TLS 1.3 PSK tickets.
enum class Resumption { none, session_id, ticket, psk };

struct WeightedIdentity {
  std::string identity;  // an identity's name, or "none"
  double weight = 1.0;
};

// Pass/fail limits of a phase; unset ones are not checked.
struct Gates {
  std::optional<double> handshake_p99_ms;
  std::optional<double> error_rate_max;            // 0..1
  std::optional<double> handshakes_per_s_min;
  std::optional<double> resumed_ratio_min;         // 0..1
  std::optional<double> client_cpu_us_per_handshake_max;
  std::optional<double> target_cpu_us_per_handshake_max;
  // What a client revoked after its session began must meet when it resumes that session:
  // "refused" (the gateway re-checks) or "gets_in" (a known weakness, pinned). Judged from the
  // revoked-then-resumed check that runs after a resuming phase.
  std::optional<std::string> revoked_resume;
  // error_rate_max = 0 was set by the loader, not the user: the phase names no gate and sends
  // only identities a correct gateway accepts, so any failed connection is a finding. Said so
  // wherever the gate is shown.
  bool implicit_error_rate = false;
};

struct LoadPhase {
  std::string name;
  // Closed loop: `connections` workers, each starting its next connection when the last one
  // ends. Open loop: `rate` new connections per second, latency measured from the intended
  // start (coordinated omission corrected). Exactly one of the two is set.
  int connections = 0;
  double rate = 0;
  double ramp_up_s = 0;          // linear ramp to full concurrency/rate
  double duration_s = 10;        // bounded: a phase always ends by itself
  double warmup_s = 0;           // measured but discarded
  // After the window, connections still in flight get this long to end (never more than the
  // per-step timeout); what ends in it is counted apart, the rest is cut off as aborted.
  double drain_s = 2;
  std::int64_t max_connections_total = 0;  // 0: until duration ends
  int requests_per_connection = 1;         // 1: a new handshake per request
  std::vector<WeightedIdentity> identities;  // default: the first valid identity
  Resumption resumption = Resumption::none;
  double resumed_share = 1.0;    // share of new connections that offer a saved session
  TlsVersion tls_version = TlsVersion::tls1_3;
  int threads = 0;               // client worker threads; 0: one per core
  std::string path = "/";
  Gates gates;
  SourceRef where;
};

// ---- built-in checks ([checks]) ----

// What a user's own gateway config says that the built-in checks ask about; learned from the
// config by target::adopt_own_config, empty for templates and external gateways.
struct ConfigIdentityHeader {
  std::string name;        // "X-Client-DN"
  bool to_backend = true;  // set on the proxied request; false: on the response only
  std::string where;       // "api.conf:3 proxy_set_header X-Client-DN $ssl_client_s_dn"
};
struct ConfigSite {
  std::string name;                   // a literal server name served on the cases' port
  bool requires_certificate = false;  // a client without a valid certificate is refused there
  std::string verify;                 // as written: "on", "optional", "require_and_verify"...
  std::string where;                  // "api.conf:12 server_name public.example"
};

// The questions every run asks besides its cases, each reported as cases of its own. A
// switch left unset (nullopt) is on when the target makes the check meaningful.
struct Checks {
  std::optional<bool> spoofed_identity_headers;
  std::optional<bool> sni_host_mismatch;
  std::optional<bool> requested_vs_required;
  std::optional<bool> refusals_logged;
  // Headers to forge besides those the config sets ([checks] identity_headers).
  std::vector<std::string> identity_headers;
  // An external gateway's names on one port: served without a client certificate, and
  // requiring one. A launched config's come from its server blocks (config_sites).
  std::vector<std::string> public_names;
  std::vector<std::string> protected_names;
  std::vector<ConfigIdentityHeader> config_headers;
  std::vector<ConfigSite> config_sites;
  SourceRef where;
};

struct Scenario {
  std::filesystem::path file;
  std::string name;  // default: file stem
  std::string description;
  Pki pki;
  Target target;
  std::vector<Identity> identities;
  std::vector<Case> cases;
  std::vector<LoadPhase> load;
  Checks checks;

  const Identity* find_identity(const std::string& n) const {
    for (const auto& i : identities)
      if (i.name == n) return &i;
    return nullptr;
  }
};

// Names as written in TOML and reports; the inverse parsers live in names.hpp.
std::string to_string(KeyType);
std::string to_string(Fault);
std::string to_string(TlsVersion);
std::string to_string(TargetKind);
std::string to_string(VerifyMode);
std::string to_string(ExpectKind);
std::string to_string(Layer);
std::string to_string(Reason);
std::string to_string(Resumption);
std::string to_string(OcspStatus);
std::string to_string(OcspCheck);
std::string to_string(OcspResponder);

}  // namespace mtls::scenario
