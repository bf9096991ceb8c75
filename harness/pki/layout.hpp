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
// Written last: a directory without it is no complete fixture set.
inline fs::path state(const fs::path& dir) { return dir / "fixtures.state.json"; }

// Beside fixtures/<scenario>/ (which is replaced whole on regeneration), dot-named so no
// scenario can be called that: the lock, and where a new set is built before it replaces
// the old one (same file system, so the swap is a rename).
inline fs::path lock_file(const fs::path& dir) {
  return dir.parent_path() / ("." + dir.filename().string() + ".lock");
}
inline std::string staging_prefix(const fs::path& dir) {
  return "." + dir.filename().string() + ".staging-";
}

}  // namespace mtls::pki::layout
