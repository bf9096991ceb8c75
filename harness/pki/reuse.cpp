#include "pki/reuse.hpp"

#include <map>
#include <nlohmann/json.hpp>

#include "common/digest.hpp"
#include "common/files.hpp"
#include "common/openssl_error.hpp"
#include "pki/layout.hpp"
#include "pki/write.hpp"
#include "scenario/names.hpp"

namespace mtls::pki {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// 2: the state records a digest of every file of the set.
constexpr int kStateFormat = 2;

fs::path state_file(const fs::path& dir) { return layout::state(dir); }

// Every regular file below `dir` but the state itself and manifest.json, by path relative
// to `dir`, with the SHA-256 of its bytes: what the state promises the directory holds, no
// more and no less. The manifest describes the set for people and is rewritten by the
// preflight of every run (what it verified), also while another run checks the set; no probe
// reads it.
std::map<std::string, std::string> digests_below(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    // The manifest's atomic rewrite leaves "manifest.json.tmp.<pid>" beside it for a moment:
    // a concurrent run's preflight must not make this set look torn (and so regenerated under
    // a gateway still serving the old chain).
    const bool manifest = e.path().parent_path() == dir &&
                          e.path().filename().string().starts_with(layout::manifest(dir).filename().string());
    if (!e.is_regular_file() || e.path() == state_file(dir) || manifest) continue;
    out[e.path().lexically_relative(dir).generic_string()] = common::sha256_hex(common::read_file(e.path()));
  }
  return out;
}

std::string file_bytes_or_empty(const fs::path& p) {
  if (p.empty()) return {};
  try {
    return common::read_file(p);
  } catch (const std::exception&) {
    return "<unreadable>";
  }
}

json identity_json(const IdentityFiles& i) {
  return {{"name", i.name},
          {"fault", scenario::to_string(i.fault)},
          {"cert", i.cert},
          {"key", i.key},
          {"chain", i.chain},
          {"fullchain", i.fullchain},
          {"bundle", i.bundle},
          {"p12", i.p12},
          {"subject", i.subject},
          {"serial", i.serial},
          {"not_before", i.not_before},
          {"not_after", i.not_after},
          {"expected_verify_error", i.expected_verify_error},
          {"expected_verify_error_name", i.expected_verify_error_name},
          {"key_matches_cert", i.key_matches_cert},
          {"key_password_env", i.key_password_env}};
}

IdentityFiles identity_from(const json& j) {
  IdentityFiles i;
  i.name = j.at("name").get<std::string>();
  i.fault = scenario::parse_name<scenario::Fault>(j.at("fault").get<std::string>()).value_or(scenario::Fault::none);
  i.cert = j.at("cert").get<std::string>();
  i.key = j.at("key").get<std::string>();
  i.chain = j.at("chain").get<std::string>();
  i.fullchain = j.at("fullchain").get<std::string>();
  i.bundle = j.at("bundle").get<std::string>();
  i.p12 = j.at("p12").get<std::string>();
  i.subject = j.at("subject").get<std::string>();
  i.serial = j.at("serial").get<std::string>();
  i.not_before = j.at("not_before").get<std::string>();
  i.not_after = j.at("not_after").get<std::string>();
  i.expected_verify_error = j.at("expected_verify_error").get<int>();
  i.expected_verify_error_name = j.at("expected_verify_error_name").get<std::string>();
  i.key_matches_cert = j.at("key_matches_cert").get<bool>();
  i.key_password_env = j.value("key_password_env", "");
  return i;
}

json outside_keys_json(const std::vector<OutsideCaKey>& keys) {
  json out = json::array();
  for (const auto& k : keys) out.push_back({{"ca", k.ca_id}, {"key", k.key}, {"password_env", k.password_env}});
  return out;
}

bool all_exist(const Fixtures& f) {
  std::vector<fs::path> paths = {f.ca_bundle,   f.crl_bundle,       f.server_cert,
                                 f.server_key,  f.server_fullchain, f.server_trust,
                                 f.manifest};
  for (const auto& i : f.identities)
    for (const auto& p : {i.cert, i.key, i.chain, i.fullchain, i.bundle, i.p12})
      if (!p.empty()) paths.push_back(p);
  std::error_code ec;
  for (const auto& p : paths)
    if (!fs::exists(p, ec)) return false;
  return true;
}

// The user's CA by its certificates' bytes (a renewed CA at the same path is another CA) and
// by where its keys are; never by the keys' bytes.
json user_ca_json(const scenario::UserCa& u) {
  if (!u.given()) return nullptr;
  return {{"ca_cert", common::sha256_hex(file_bytes_or_empty(u.ca_cert))},
          {"ca_key", u.ca_key},
          {"ca_key_password_env", u.ca_key_password_env},
          {"ca_crl", common::sha256_hex(file_bytes_or_empty(u.ca_crl))},
          {"intermediate_cert", common::sha256_hex(file_bytes_or_empty(u.intermediate_cert))},
          {"intermediate_key", u.intermediate_key},
          {"intermediate_key_password_env", u.intermediate_key_password_env}};
}

}  // namespace

std::string fixture_hash(const scenario::Scenario& s) {
  const auto& p = s.pki;
  json ids = json::array();
  for (const auto& i : s.identities) {
    ids.push_back({{"name", i.name},
                   {"fault", scenario::to_string(i.fault)},
                   {"key_type", scenario::to_string(i.key_type)},
                   {"cn", i.common_name},
                   {"san_dns", i.san_dns},
                   {"san_uri", i.san_uri},
                   {"o", i.organization},
                   {"ou", i.organizational_unit},
                   {"nb", i.not_before_days},
                   {"na", i.not_after_days},
                   // Digests, not bytes: a DER or Latin-1 file is not valid JSON text.
                   {"cert", common::sha256_hex(file_bytes_or_empty(i.cert_file))},
                   {"key", common::sha256_hex(file_bytes_or_empty(i.key_file))},
                   {"key_password_env", i.key_password_env},
                   {"chain", common::sha256_hex(file_bytes_or_empty(i.chain_file))}});
  }
  const json canonical = {
      {"format", kStateFormat},
      {"pki",
       {{"key_type", scenario::to_string(p.key_type)},
        {"organization", p.organization},
        {"ca_validity_days", p.ca_validity_days},
        {"validity_days", p.validity_days},
        {"server_dns", p.server_dns},
        {"server_ips", p.server_ips},
        {"verify_depth", p.verify_depth},
        {"p12_password", common::sha256_hex(p.p12_password)}}},
      {"identities", ids},
      {"user_ca", user_ca_json(p.user_ca)},
  };
  return common::sha256_hex(canonical.dump());
}

bool matches_state(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(state_file(dir), ec)) return false;
  try {
    const json j = json::parse(common::read_file(state_file(dir)));
    return j.at("format").get<int>() == kStateFormat &&
           j.at("files").get<std::map<std::string, std::string>>() == digests_below(dir);
  } catch (const std::exception&) {
    return false;  // unreadable, from another version, or a file vanished while reading
  }
}

std::optional<Fixtures> load_state(const fs::path& dir, const std::string& hash, std::time_t now) {
  if (!matches_state(dir)) return std::nullopt;
  try {
    const json j = json::parse(common::read_file(state_file(dir)));
    if (j.at("hash").get<std::string>() != hash) return std::nullopt;
    const auto at = j.at("generated_at_epoch").get<std::int64_t>();
    if (now < at || now - at > kMaxReuseAgeSeconds) return std::nullopt;
    Fixtures f;
    f.dir = dir;
    f.ca_bundle = j.at("ca_bundle").get<std::string>();
    f.crl_bundle = j.at("crl_bundle").get<std::string>();
    f.server_cert = j.at("server_cert").get<std::string>();
    f.server_key = j.at("server_key").get<std::string>();
    f.server_fullchain = j.at("server_fullchain").get<std::string>();
    f.server_trust = j.at("server_trust").get<std::string>();
    f.manifest = j.at("manifest").get<std::string>();
    f.verify_depth = j.at("verify_depth").get<int>();
    for (const auto& i : j.at("identities")) f.identities.push_back(identity_from(i));
    for (const auto& k : j.value("outside_ca_keys", json::array()))
      f.outside_ca_keys.push_back({k.at("ca").get<std::string>(), k.at("key").get<std::string>(),
                                   k.at("password_env").get<std::string>()});
    f.ca_reused = true;
    if (!all_exist(f)) return std::nullopt;
    return f;
  } catch (const std::exception&) {
    return std::nullopt;  // unreadable or from another version: regenerate
  }
}

void save_state(const Fixtures& f, const std::string& hash, std::time_t now,
                const fs::path& written_in) {
  json ids = json::array();
  for (const auto& i : f.identities) ids.push_back(identity_json(i));
  const json j = {{"format", kStateFormat},
                  {"hash", hash},
                  {"generated_at_epoch", static_cast<std::int64_t>(now)},
                  {"ca_bundle", f.ca_bundle},
                  {"crl_bundle", f.crl_bundle},
                  {"server_cert", f.server_cert},
                  {"server_key", f.server_key},
                  {"server_fullchain", f.server_fullchain},
                  {"server_trust", f.server_trust},
                  {"manifest", f.manifest},
                  {"verify_depth", f.verify_depth},
                  {"identities", ids},
                  {"outside_ca_keys", outside_keys_json(f.outside_ca_keys)},
                  {"files", digests_below(written_in)}};
  // A brought certificate's subject may hold bytes that are not UTF-8.
  write_fixture(state_file(written_in), j.dump(1, ' ', false, json::error_handler_t::replace) + "\n");
}

void rebase(Fixtures& f, const fs::path& from, const fs::path& to) {
  auto move = [&](fs::path& p) {
    if (p.empty()) return;
    const auto rel = p.lexically_relative(from);
    if (rel == ".") p = to;
    else if (!rel.empty() && *rel.begin() != "..") p = to / rel;
  };
  for (fs::path* p : {&f.dir, &f.ca_bundle, &f.crl_bundle, &f.server_cert, &f.server_key,
                      &f.server_fullchain, &f.server_trust, &f.manifest})
    move(*p);
  for (auto& i : f.identities)
    for (fs::path* p : {&i.cert, &i.key, &i.chain, &i.fullchain, &i.bundle, &i.p12}) move(*p);
}

}  // namespace mtls::pki
