// Where each file of a scenario's fixture PKI lives, relative to fixtures/<scenario>/.
// One place, so the generator, the manifest and the tests agree.
#pragma once

#include <filesystem>
#include <string>

namespace mtls::pki::layout {

namespace fs = std::filesystem;

inline fs::path ca_dir(const fs::path& dir) { return dir / "ca"; }
inline fs::path crl_dir(const fs::path& dir) { return dir / "crl"; }
inline fs::path server_dir(const fs::path& dir) { return dir / "server"; }
inline fs::path client_dir(const fs::path& dir, const std::string& identity) {
  return dir / "clients" / identity;
}

// `ca_id` is "root", "intermediate", "rogue-root" or "sub-ca-<n>".
inline fs::path ca_cert(const fs::path& dir, const std::string& ca_id) {
  return ca_dir(dir) / (ca_id + ".crt.pem");
}
inline fs::path ca_key(const fs::path& dir, const std::string& ca_id) {
  return ca_dir(dir) / (ca_id + ".key.pem");
}
inline fs::path ca_crl(const fs::path& dir, const std::string& ca_id) {
  return crl_dir(dir) / (ca_id + ".crl.pem");
}
inline fs::path ca_bundle(const fs::path& dir) { return ca_dir(dir) / "ca-bundle.pem"; }
inline fs::path pki_hash_file(const fs::path& dir) { return ca_dir(dir) / "pki.sha256"; }
inline fs::path crl_bundle(const fs::path& dir) { return crl_dir(dir) / "crl-bundle.pem"; }
inline fs::path manifest(const fs::path& dir) { return dir / "manifest.json"; }

}  // namespace mtls::pki::layout
