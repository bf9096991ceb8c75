// What can be learned about a client certificate without a server: who issued it, what it
// sends along, its validity window, its extended key usage, whether the key belongs to it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace mtls::diagnose {

enum class Validity { ok, expired, not_yet_valid };

struct SentCert {
  std::string subject;  // RFC 2253, as pki::rfc2253 prints it
  std::string issuer;
  bool self_issued = false;
};

struct ClientCertFacts {
  std::string subject, issuer, serial;
  std::string not_before, not_after;  // ISO 8601 UTC
  Validity validity = Validity::ok;
  long days = 0;  // ok: days left; expired: days since; not_yet_valid: days until
  bool has_eku = false;          // no extension: usable for any purpose
  bool eku_client_auth = true;
  std::vector<std::string> eku;  // short names: "clientAuth", "serverAuth"
  std::string key_type;          // "EC P-256", "RSA 2048", "ED25519"
  bool weak_key = false;         // RSA below 2048 bits: OpenSSL level 2 refuses it
  bool key_matches = true;
  std::string key_mismatch_detail;
  std::vector<SentCert> chain;   // what the client sends after the leaf, in file order
};

// `cert`: PEM or DER, the leaf first (a full chain file works: the rest joins `chain`); `chain`:
// more intermediates to send, may be empty. Throws std::runtime_error naming the file.
// `key_password_env`: the variable holding an encrypted key's passphrase (never prompted for).
ClientCertFacts inspect_client(const std::filesystem::path& cert, const std::filesystem::path& key,
                               const std::filesystem::path& chain,
                               const std::string& key_password_env = {});

// What to do about an encrypted --key: the end of the error message.
std::string key_password_hint();

// Does the chain the client sends lead to one of the CA names the server advertises?
struct ChainMatch {
  bool matched = false;
  std::string ca_name;              // the advertised name reached
  std::vector<std::string> path;    // issuers walked from the leaf up, leaf's issuer first
  std::string stuck_at;             // not matched: the first issuer the client cannot link
};

ChainMatch match_advertised(const ClientCertFacts& f, const std::vector<std::string>& ca_names);

}  // namespace mtls::diagnose
