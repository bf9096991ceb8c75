#include "pki/manifest.hpp"

#include <nlohmann/json.hpp>

#include "common/files.hpp"
#include "pki/verify_errors.hpp"
#include "pki/write.hpp"

namespace mtls::pki {
namespace {

namespace fs = std::filesystem;
// ordered: version and scenario first, the way a person reads the file.
using json = nlohmann::ordered_json;

class Writer {
 public:
  explicit Writer(const fs::path& dir) : dir_(dir) {}

  // Inside the fixture dir: relative, so the tree can be moved or archived by CI.
  json path(const fs::path& p) const {
    if (p.empty()) return nullptr;
    auto rel = p.lexically_relative(dir_);
    if (rel.empty() || *rel.begin() == "..") return p.string();
    return rel.string();
  }

  // Every file once, with its role: the flat index a person greps.
  void file(const fs::path& p, const std::string& role, json extra = json::object()) {
    if (p.empty()) return;
    extra["path"] = path(p);
    extra["role"] = role;
    files_.push_back(std::move(extra));
  }

  json take_files() { return std::move(files_); }

 private:
  fs::path dir_;
  json files_ = json::array();
};

json describe(const CertInfo& info) {
  return {{"subject", info.subject},
          {"issuer", info.issuer},
          {"serial", info.serial},
          {"not_before", info.not_before},
          {"not_after", info.not_after}};
}

json describe(const IdentityFiles& i) {
  return {{"identity", i.name},
          {"fault", scenario::to_string(i.fault)},
          {"generated", !i.p12.empty()},
          {"subject", i.subject},
          {"serial", i.serial},
          {"not_before", i.not_before},
          {"not_after", i.not_after},
          {"expected_verify_error", i.expected_verify_error},
          {"expected_verify_error_name", i.expected_verify_error_name},
          {"expected_verify_error_text", verify_error_text(i.expected_verify_error)},
          {"key_matches_cert", i.key_matches_cert}};
}

}  // namespace

void write_manifest(const ManifestInput& in) {
  const Fixtures& f = *in.fixtures;
  Writer w(f.dir);

  json cas = json::array();
  for (const auto& ca : in.cas) {
    json entry = describe(ca.info);
    entry["id"] = ca.id;
    entry["cert"] = w.path(ca.cert);
    entry["key"] = w.path(ca.key);
    entry["crl"] = w.path(ca.crl);
    cas.push_back(entry);
    w.file(ca.cert, "ca-cert", {{"ca", ca.id}});
    w.file(ca.key, "ca-key", {{"ca", ca.id}});
    w.file(ca.crl, "crl", {{"ca", ca.id}});
  }
  w.file(f.ca_bundle, "ca-bundle");
  w.file(f.crl_bundle, "crl-bundle");
  w.file(in.pki_hash_file, "pki-hash");

  json server = describe(in.server);
  server["cert"] = w.path(f.server_cert);
  server["key"] = w.path(f.server_key);
  server["fullchain"] = w.path(f.server_fullchain);
  server["trust"] = w.path(f.server_trust);
  w.file(f.server_cert, "server-cert");
  w.file(f.server_key, "server-key");
  w.file(f.server_fullchain, "server-fullchain");

  json identities = json::array();
  for (const auto& i : f.identities) {
    json entry = describe(i);
    const std::pair<const char*, const fs::path*> files[] = {
        {"cert", &i.cert},     {"key", &i.key},       {"chain", &i.chain},
        {"fullchain", &i.fullchain}, {"bundle", &i.bundle}, {"p12", &i.p12}};
    json paths = json::object();
    for (const auto& [role, p] : files) {
      paths[role] = w.path(*p);
      w.file(*p, std::string("client-") + role, describe(i));
    }
    entry["files"] = paths;
    identities.push_back(entry);
  }

  const json manifest = {
      {"version", kManifestVersion},
      {"scenario", in.scenario},
      {"pki_hash", in.pki_hash},
      {"generated_at", in.generated_at},
      {"ca_reused", f.ca_reused},
      // How a correct gateway verifies clients; expected_verify_error assumes exactly this.
      {"verify",
       {{"trust", w.path(f.ca_bundle)},
        {"crls", w.path(f.crl_bundle)},
        {"flags", {"X509_V_FLAG_CRL_CHECK", "X509_V_FLAG_CRL_CHECK_ALL"}},
        {"depth", f.verify_depth},
        {"purpose", "sslclient"},
        {"auth_level", 2}}},
      {"cas", cas},
      {"server", server},
      {"identities", identities},
      {"files", w.take_files()},
  };
  // Subjects of brought certificates may hold bytes that are not UTF-8: replaced, never thrown.
  write_fixture(f.manifest, manifest.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
}

}  // namespace mtls::pki
