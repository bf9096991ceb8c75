// manifest.json: what every file under fixtures/<scenario>/ is and what a correct
// verifier must say about each identity. Paths inside the fixture dir are relative to it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "pki/cert_info.hpp"
#include "pki/fixtures.hpp"

namespace mtls::pki {

inline constexpr int kManifestVersion = 1;

struct CaRecord {
  std::string id;  // "root", "intermediate", "rogue-root", "sub-ca-<n>"
  std::filesystem::path cert;
  std::filesystem::path key;
  std::filesystem::path crl;  // empty: publishes none (the rogue root)
  CertInfo info;
};

struct ManifestInput {
  const Fixtures* fixtures = nullptr;
  std::string scenario;
  std::string pki_hash;
  std::string generated_at;  // ISO 8601 UTC
  std::filesystem::path pki_hash_file;
  std::vector<CaRecord> cas;
  CertInfo server;
};

void write_manifest(const ManifestInput& in);

}  // namespace mtls::pki
