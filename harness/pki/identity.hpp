// One client identity: issue it per its fault and write its files, or describe one
// brought from files.
#pragma once

#include <ctime>
#include <filesystem>

#include "pki/ca.hpp"
#include "pki/fixtures.hpp"
#include "scenario/scenario.hpp"

namespace mtls::pki {

struct IssueContext {
  const CaSet* cas = nullptr;
  const scenario::Pki* pki = nullptr;
  std::filesystem::path dir;  // fixtures/<scenario>/
  std::time_t now = 0;
};

struct IssuedIdentity {
  IdentityFiles files;
  ossl::Integer revoked_serial;  // fault revoked: listed in the intermediate's CRL
};

// Throws std::runtime_error when the identity's validity window contradicts its fault
// (the expectation in the manifest would be a lie), or its name is not a safe file name.
void check_generated_identity(const scenario::Identity& id);

// Writes clients/<name>/{cert,key,chain,fullchain,bundle}.pem and <name>.p12.
IssuedIdentity issue_identity(const scenario::Identity& id, const IssueContext& ctx);

// An identity brought from files: nothing is written; subject, serial and validity are
// read from its certificate.
// Throws std::runtime_error "identity 'X': cert|chain|key FILE ...: what was expected".
IdentityFiles describe_brought_identity(const scenario::Identity& id);

// The files of a brought identity, read with errors that name the identity, the scenario
// key (`role`: cert, chain) and the file. Keys never prompt for a passphrase.
std::vector<ossl::Cert> read_brought_certs(const std::string& identity, const char* role,
                                           const std::filesystem::path& file);
ossl::Key read_brought_key(const std::string& identity, const std::filesystem::path& file,
                           const std::string& password_env);
ossl::Passphrase key_passphrase(const std::string& identity, const std::string& password_env);

}  // namespace mtls::pki
