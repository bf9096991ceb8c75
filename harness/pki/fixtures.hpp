// The fixture PKI of a scenario on disk: what `mtls-harness pki` writes and every later
// stage (targets, probe, load) reads. Paths only; no OpenSSL types cross this boundary.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace mtls::pki {

struct IdentityFiles {
  std::string name;
  scenario::Fault fault = scenario::Fault::none;
  std::filesystem::path cert;       // leaf certificate, PEM
  std::filesystem::path key;        // private key, PEM, mode 0600
  std::filesystem::path chain;      // intermediates the client sends; empty if none
  std::filesystem::path fullchain;  // leaf + intermediates
  std::filesystem::path bundle;     // key + leaf + intermediates (curl --cert, ab -E)
  std::filesystem::path p12;        // PKCS#12 for Java/.NET clients; empty if brought
  std::string subject;              // RFC 2253, e.g. "CN=valid,O=mtls-harness"
  std::string serial;               // hex
  std::string not_before;           // ISO 8601 UTC
  std::string not_after;
  // What X509_verify_cert must say when a correct verifier (trust = ca_bundle, CRLs =
  // crl_bundle, depth = verify_depth, purpose = sslclient, auth level 2) checks `cert`
  // with `chain` as untrusted certificates. 0 (X509_V_OK) for valid identities.
  int expected_verify_error = 0;
  std::string expected_verify_error_name;  // e.g. "X509_V_ERR_CERT_HAS_EXPIRED"
  bool key_matches_cert = true;
  // Brought identity with an encrypted key: the environment variable holding its passphrase.
  std::string key_password_env;
};

// A user CA's key ([pki] ca_key): read where the user keeps it when a CRL or an OCSP answer
// must be signed, never copied into the set.
struct OutsideCaKey {
  std::string ca_id;  // "user-root", "user-intermediate"
  std::filesystem::path key;
  std::string password_env;
};

struct Fixtures {
  std::filesystem::path dir;          // fixtures/<scenario>/
  std::filesystem::path ca_bundle;    // trust anchors a gateway uses to verify clients
  std::filesystem::path crl_bundle;   // CRLs of every CA in the client chains, PEM
  std::filesystem::path server_cert;  // leaf
  std::filesystem::path server_key;
  std::filesystem::path server_fullchain;  // leaf + intermediate, what the server sends
  std::filesystem::path server_trust;      // what a client trusts to verify the server
  std::filesystem::path manifest;          // manifest.json
  int verify_depth = 2;
  bool ca_reused = false;  // CA material kept from an earlier run (PKI section unchanged)
  std::vector<IdentityFiles> identities;
  std::vector<OutsideCaKey> outside_ca_keys;

  const IdentityFiles* find(const std::string& name) const {
    for (const auto& i : identities)
      if (i.name == name) return &i;
    return nullptr;
  }
};

struct Options {
  std::filesystem::path fixtures_root = "fixtures";  // output goes to <root>/<scenario>/
  bool force = false;  // regenerate the CA even when the PKI section is unchanged
};

// Writes (or refreshes) fixtures/<scenario>/ and returns where everything is.
// Throws std::runtime_error with the path and the OpenSSL error queue on failure.
Fixtures materialize(const scenario::Scenario& s, const Options& opts);

}  // namespace mtls::pki
