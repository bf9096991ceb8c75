// [checks]: the built-in questions a run asks besides its cases (harness/checks/). Each switch
// left out is on when the target makes it meaningful; the lists feed the checks for gateways
// whose config the harness did not read.
#include <fmt/core.h>

#include "scenario/sections.hpp"

namespace mtls::scenario::detail {
namespace {

constexpr std::string_view kKeys[] = {"spoofed_identity_headers", "sni_host_mismatch", "requested_vs_required",
                                      "refusals_logged",          "identity_headers",  "public_names",
                                      "protected_names"};

void read_header_names(Reader& r, const toml::table& t, std::vector<std::string>& out) {
  auto names = r.strings(t, "identity_headers", "checks");
  if (!names) return;
  for (const auto& n : *names) {
    if (!header_name(n)) {
      r.error(Reader::at(t, "identity_headers"), "checks.identity_headers",
              fmt::format("'{}' is not an HTTP header name", n), "write the name alone, e.g. \"X-Client-DN\"");
      continue;
    }
    out.push_back(n);
  }
}

void read_names(Reader& r, const toml::table& t, std::string_view key, std::vector<std::string>& out) {
  auto names = r.strings(t, key, "checks");
  if (!names) return;
  for (const auto& n : *names) {
    if (n.empty() || n.find_first_of(" \t\r\n/:") != std::string::npos) {
      r.error(Reader::at(t, key), join("checks", key), fmt::format("'{}' is not a server name", n),
              "write the name a client sends as SNI, e.g. \"internal-api.example\"");
      continue;
    }
    out.push_back(n);
  }
}

void read(Reader& r, const toml::table& root, Scenario& s) {
  const toml::table* t = r.table(root, "checks", "");
  if (!t) return;
  r.check_keys(*t, "checks", "[checks]", kKeys);
  auto& c = s.checks;
  c.where = where_of(*t);
  c.spoofed_identity_headers = r.boolean(*t, "spoofed_identity_headers", "checks");
  c.sni_host_mismatch = r.boolean(*t, "sni_host_mismatch", "checks");
  c.requested_vs_required = r.boolean(*t, "requested_vs_required", "checks");
  c.refusals_logged = r.boolean(*t, "refusals_logged", "checks");
  read_header_names(r, *t, c.identity_headers);
  read_names(r, *t, "public_names", c.public_names);
  read_names(r, *t, "protected_names", c.protected_names);
  if (c.public_names.empty() != c.protected_names.empty())
    r.error(Reader::at(*t, c.public_names.empty() ? "protected_names" : "public_names"),
            c.public_names.empty() ? "checks.public_names" : "checks.protected_names",
            "sni_host_mismatch needs both a name served without a client certificate and one that requires it",
            "set both public_names and protected_names, or neither");
}

}  // namespace

extern const Section kChecksSection = {"checks", false, kKeys, read};

}  // namespace mtls::scenario::detail
