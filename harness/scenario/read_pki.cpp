// [pki]: how the fixture PKI is generated (key types, validity, server names, depth).
#include <arpa/inet.h>
#include <fmt/core.h>

#include "scenario/sections.hpp"

namespace mtls::scenario::detail {
namespace {

constexpr std::string_view kKeys[] = {"key_type",     "organization", "validity_days",
                                      "ca_validity_days", "server_dns", "server_ips",
                                      "verify_depth", "p12_password"};

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
}

}  // namespace

extern const Section kPkiSection = {"pki", false, kKeys, read};

}  // namespace mtls::scenario::detail
