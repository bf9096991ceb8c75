// [pki]: how the fixture PKI is generated (key types, validity, server names, depth), and
// the user's own CA when the clients are to come from it.
#include <arpa/inet.h>
#include <fmt/core.h>
#include <sys/stat.h>

#include "scenario/sections.hpp"

namespace mtls::scenario::detail {
namespace {

constexpr std::string_view kKeys[] = {"key_type",     "organization", "validity_days",
                                      "ca_validity_days", "server_dns", "server_ips",
                                      "verify_depth", "p12_password", "ca_cert", "ca_key",
                                      "ca_key_password_env", "ca_crl", "intermediate_cert",
                                      "intermediate_key", "intermediate_key_password_env"};

// A century: long enough for any CA, short enough that day arithmetic cannot overflow.
constexpr int kMaxDays = 36500;

bool is_ip(const std::string& text) {
  unsigned char buf[16];
  return inet_pton(AF_INET, text.c_str(), buf) == 1 || inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

void read_server_names(Reader& r, const toml::table& t, Pki& p) {
  if (auto dns = r.strings(t, "server_dns", "pki")) p.server_dns = *dns;
  if (auto ips = r.strings(t, "server_ips", "pki")) {
    const toml::array& arr = *t.get("server_ips")->as_array();
    for (std::size_t i = 0; i < ips->size(); ++i)
      if (!is_ip((*ips)[i]))
        r.error(where_of(*arr.get(i)), indexed("pki.server_ips", i),
                fmt::format("'{}' is not an IPv4 or IPv6 address", (*ips)[i]),
                "write a numeric address such as \"127.0.0.1\" or \"::1\"; names go in server_dns");
    p.server_ips = *ips;
  }
  if (p.server_dns.empty() && p.server_ips.empty())
    r.error(Reader::at(t, "server_dns"), "pki.server_dns",
            "the server certificate needs at least one name: server_dns and server_ips are both empty",
            "add \"localhost\" to server_dns");
}

// A CA key anyone else on the host can read is a key that leaked; the harness will not sign
// with it, so a gate never makes that normal.
std::optional<std::string> key_mode_problem(const std::filesystem::path& key) {
  struct stat st{};
  if (::stat(key.c_str(), &st) != 0) return std::nullopt;  // input_file_problem says it
  if ((st.st_mode & 077) == 0) return std::nullopt;
  return fmt::format("{} is readable or writable by group or others (mode {:04o}): a CA key must be "
                     "private to its owner",
                     key.string(), st.st_mode & 07777);
}

bool is_env_name(const std::string& v) {
  return !v.empty() && v.find_first_of("= $") == std::string::npos;
}

// [pki] ca_cert, ca_key, intermediate_cert, intermediate_key and their passphrase variables.
void read_user_ca(Reader& r, const toml::table& t, UserCa& ca) {
  struct Key {
    const char* name;
    std::filesystem::path* out;
    const char* needs;  // the key that must be set with it
  };
  const Key files[] = {{"ca_cert", &ca.ca_cert, nullptr},
                       {"ca_key", &ca.ca_key, "ca_cert"},
                       {"ca_crl", &ca.ca_crl, "ca_cert"},
                       {"intermediate_cert", &ca.intermediate_cert, "ca_cert"},
                       {"intermediate_key", &ca.intermediate_key, "intermediate_cert"}};
  for (const auto& k : files) {
    auto v = r.string(t, k.name, "pki");
    if (!v) continue;
    if (k.needs && !t.contains(k.needs)) {
      r.error(Reader::at(t, k.name), join("pki", k.name),
              fmt::format("{} is set but {} is not", k.name, k.needs),
              fmt::format("add {} = \"path/to/{}.pem\"", k.needs, k.needs));
      continue;
    }
    *k.out = r.resolve(*v);
    if (auto why = input_file_problem(*k.out))
      r.error(Reader::at(t, k.name), join("pki", k.name), *why,
              "paths are relative to the scenario file's directory");
    else if (std::string_view(k.name).ends_with("_key"))
      if (auto why = key_mode_problem(*k.out))
        r.error(Reader::at(t, k.name), join("pki", k.name), *why,
                fmt::format("chmod 600 {}", k.out->string()));
  }
  if (!ca.intermediate_key.empty() && ca.ca_key.empty() && ca.ca_crl.empty())
    r.error(Reader::at(t, "intermediate_key"), "pki.intermediate_key",
            "clients are checked against a CRL for every CA of their chain, and without ca_key the "
            "harness cannot sign one for your root",
            "add ca_crl = \"path/to/root.crl.pem\" (the root's published CRL), or ca_key");
  const std::pair<const char*, std::string*> envs[] = {
      {"ca_key_password_env", &ca.ca_key_password_env},
      {"intermediate_key_password_env", &ca.intermediate_key_password_env}};
  for (auto [name, out] : envs) {
    auto v = r.string(t, name, "pki");
    if (!v) continue;
    *out = *v;
    const std::string key = std::string(name).substr(0, std::string(name).find("_password_env"));
    if (!t.contains(key))
      r.error(Reader::at(t, name), join("pki", name),
              fmt::format("{} is set but {} is not: it names the passphrase of {}", name, key, key),
              fmt::format("add {} = \"path/to/key.pem\", or remove {}", key, name));
    else if (!is_env_name(*v))
      r.error(Reader::at(t, name), join("pki", name),
              fmt::format("'{}' is not an environment variable name", *v),
              fmt::format("write the variable's name, e.g. {} = \"CA_KEY_PASSWORD\"", name));
  }
}

void read(Reader& r, const toml::table& root, Scenario& s) {
  const toml::table* t = r.table(root, "pki", "");
  if (!t) return;
  Pki& p = s.pki;
  r.check_keys(*t, "pki", "[pki]", kKeys);
  if (auto v = r.choice<KeyType>(*t, "key_type", "pki")) p.key_type = *v;
  if (auto v = r.string(*t, "organization", "pki")) p.organization = *v;
  if (auto v = r.integer(*t, "ca_validity_days", "pki", 1, kMaxDays)) p.ca_validity_days = *v;
  if (auto v = r.integer(*t, "validity_days", "pki", 1, kMaxDays)) p.validity_days = *v;
  // A not-yet-valid identity starts tomorrow and lasts validity_days: it must still end
  // inside the CA's window.
  if (p.validity_days >= p.ca_validity_days) {
    std::string_view key = t->contains("validity_days") ? "validity_days" : "ca_validity_days";
    r.error(Reader::at(*t, key), join("pki", key),
            fmt::format("validity_days ({}) must be less than ca_validity_days ({}): "
                        "certificates cannot outlive their CA",
                        p.validity_days, p.ca_validity_days));
  }
  read_server_names(r, *t, p);
  if (auto v = r.integer(*t, "verify_depth", "pki", 1, 10)) p.verify_depth = *v;
  if (auto v = r.string(*t, "p12_password", "pki")) p.p12_password = *v;
  read_user_ca(r, *t, p.user_ca);
}

}  // namespace

extern const Section kPkiSection = {"pki", false, kKeys, read};

}  // namespace mtls::scenario::detail
