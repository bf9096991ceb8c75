// The catalogue of classic mTLS failures `mtls-harness repro` reproduces: one table, one
// entry per failure, each backed by a scenario under scenarios/repro/ that users can copy.
// An entry says how to provoke the failure, what every side shows when it happens (the
// claims, learned by running the embedded target and nginx 1.22 with OpenSSL 3.0 and
// curl 7.88), why it happens and how to fix it.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/scenario.hpp"

namespace mtls::repro {

// Which CA file the client verifies the server with.
enum class ClientTrust {
  server_ca,  // the CA that issued the server certificate (correct)
  rogue_ca,   // another CA (ca/rogue-root.crt.pem): the client does not trust the server
};

// How the repro client differs from a correct one, beyond the case's identity.
struct ClientSetup {
  ClientTrust trust = ClientTrust::server_ca;
  std::string server_name;                      // empty: the target's; else ask for this name
  std::optional<scenario::TlsVersion> version;  // pinned client version; nullopt: the case's
  std::string cipher_list;                      // TLS 1.2 offer; empty: default
  std::string tls13_ciphersuites;               // TLS 1.3 offer; empty: default
};

// What one target kind shows for the failure on one TLS version (or on both).
struct Claim {
  scenario::TargetKind target = scenario::TargetKind::embedded;
  std::optional<scenario::TlsVersion> version;  // nullopt: both versions
  std::string alert;              // fatal alert name; "" when the failure is no alert
  bool alert_by_client = false;   // the client aborted (it refused the server), not the server
  std::optional<bool> alert_during_handshake;  // pinned when it matters (TLS 1.3: after)
  int status = 0;                 // HTTP status after a completed handshake; 0: none
  std::string body;               // substring of that answer's body
  int curl_code = 0;              // libcurl's CURLcode, as `curl: (N)` prints it
  std::string curl_text;          // substring of libcurl's message
  std::string s_client_text;      // substring of `openssl s_client` output
  std::string log;                // substring of the nginx error.log lines it writes
};

struct Entry {
  std::string_view name;      // `repro NAME`
  std::string_view title;     // one line for --list
  std::string_view scenario;  // file name under scenarios/repro/
  std::string_view case_name; // the scenario's case the repro runs
  std::vector<scenario::TargetKind> targets;  // target kinds it is catalogued for
  ClientSetup client;
  std::vector<Claim> claims;
  std::string_view cause;     // one sentence
  std::string_view fix;       // what to change
  // Commands to confirm the fix, with {placeholders} filled from the fixtures (confirm.hpp).
  std::vector<std::string_view> confirm;
  // "Works with curl, not from the app": also run this identity the way curl sends it, to
  // show the contrast (accepted). Empty: no contrast.
  std::string_view contrast_identity;
};

std::span<const Entry> catalogue();
const Entry* find(std::string_view name);

// The claims of `e` for this target kind and TLS version, most specific first.
std::vector<const Claim*> claims_for(const Entry& e, scenario::TargetKind kind,
                                     scenario::TlsVersion v);

bool applies_to(const Entry& e, scenario::TargetKind kind);

}  // namespace mtls::repro
