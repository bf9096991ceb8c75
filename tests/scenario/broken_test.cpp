// Every class of mistake, one small file each in broken/ (the files double as examples of
// what the loader says). Each row pins where the diagnostic points and what it says.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "paths.hpp"
#include "scenario/loader.hpp"

using namespace mtls::scenario;

namespace {

struct Row {
  const char* file;
  int line;
  int column;
  const char* key_path;
  const char* says;  // substring of "message (suggestion)"
};

// clang-format off
const Row kRows[] = {
  // syntax and structure
  {"syntax_error.toml",              2,  5, "",                         "TOML syntax error"},
  {"unknown_table.toml",             2,  2, "targt",                    "did you mean [target]?"},
  {"top_level_key.toml",             2,  1, "name",                     "'name' belongs in [scenario]"},
  {"single_table_identity.toml",     2,  1, "identity",                 "write the header as [[identity]]"},
  {"typo_key.toml",                  4,  1, "identity[0].not_after_day", "did you mean 'not_after_days'?"},
  {"typo_allow_key.toml",            3,  1, "target.allow.common_name", "did you mean 'common_names'?"},
  {"wrong_type.toml",                3, 17, "pki.validity_days",        "expected an integer, found a string"},
  {"wrong_array_element.toml",       4, 30, "identity[0].san_dns[1]",   "expected a string, found an integer"},
  // enums and names
  {"bad_enum.toml",                  4,  9, "identity[0].fault",        "did you mean 'expired'? expected one of: none, expired,"},
  {"bad_key_type.toml",              3, 12, "pki.key_type",             "expected one of: ec-p256, ec-p384, rsa-2048"},
  {"bad_scenario_name.toml",         3,  8, "scenario.name",            "'my gateway' contains ' '"},
  {"undefined_identity.toml",        6, 12, "case[0].identity",         "no identity named 'vaild' (did you mean 'valid'?)"},
  {"duplicate_identity.toml",        6,  8, "identity[1].name",         "first defined at line 3"},
  {"identity_named_none.toml",       3,  8, "identity[0].name",         "'none' is reserved"},
  {"identity_without_name.toml",     2,  1, "identity[0].name",         "every identity needs a name"},
  {"duplicate_case_name.toml",       8,  1, "case[1].name",             "case 'valid' is defined twice"},
  {"case_without_identity.toml",     2,  1, "case[0].identity",         "every case needs an identity"},
  // [pki]
  {"bad_ip.toml",                    3, 28, "pki.server_ips[1]",        "'localhost' is not an IPv4 or IPv6 address"},
  {"verify_depth_range.toml",        3, 16, "pki.verify_depth",         "expected an integer from 1 to 10"},
  {"validity_exceeds_ca.toml",       4, 17, "pki.validity_days",        "must be less than ca_validity_days (365)"},
  // validity windows
  {"window_impossible.toml",         6, 18, "identity[0].not_after_days", "impossible validity window"},
  {"window_expired_future.toml",     5, 18, "identity[0].not_after_days", "an expired identity must have ended"},
  {"window_not_yet_valid_past.toml", 5, 19, "identity[0].not_before_days", "must start in the future"},
  {"window_outside_ca.toml",         7, 18, "identity[0].not_after_days", "ends after the CA does"},
  {"window_contradicts_fault.toml",  6, 18, "identity[0].not_after_days", "expired, but fault is 'revoked'"},
  // generated vs brought identities
  {"weak_key_with_key_type.toml",    5, 12, "identity[0].key_type",     "always RSA-1024"},
  {"brought_cert_missing.toml",      4,  8, "identity[0].cert",         "no such file"},
  {"brought_without_key.toml",       4,  8, "identity[0].cert",         "needs both cert and key"},
  {"brought_with_generated_key.toml", 6, 15, "identity[0].common_name", "describes a generated certificate"},
  {"not_allowed_without_allow_list.toml", 4, 9, "identity[0].fault",    "[target.allow] is empty"},
  // [[load]]: absurd or contradictory load phases
  {"load_both_shapes.toml",          5,  1, "load[0]",                  "both connections (closed loop) and rate (open loop)"},
  {"load_no_shape.toml",             5,  1, "load[0]",                  "a phase needs connections (closed loop) or rate (open loop)"},
  {"load_rate_zero.toml",            6,  8, "load[0].rate",             "0 is out of range; expected a number from 0.1"},
  {"load_rate_negative.toml",        6,  8, "load[0].rate",             "-50 is out of range"},
  {"load_too_long.toml",             7, 14, "load[0].duration_s",       "set raise_limits = true"},
  {"load_psk_on_tls12.toml",         8, 14, "load[0].resumption",       "psk resumption is TLS 1.3's"},
  {"load_mix_unknown_identity.toml", 7, 20, "load[0].mix.expird",       "no identity named 'expird'"},
  {"load_mix_zero_weight.toml",     11, 30, "load[0].mix.expired",      "a weight must be a positive number"},
  {"load_gate_typo.toml",            9,  1, "load[0].gates.handshake_p99", "did you mean 'handshake_p99_ms'?"},
  {"load_gate_range.toml",           8, 18, "load[0].gates.error_rate_max", "expected a number from 0 to 1"},
  // [target]
  {"external_without_url.toml",      2,  1, "target.url",               "needs the gateway's url"},
  {"external_bad_url.toml",          4,  7, "target.url",               "must start with https://"},
  {"external_bad_port.toml",         4,  7, "target.url",               "bad port '99999'"},
  {"external_missing_ca.toml",       5, 11, "target.ca_file",           "no such file"},
  {"url_on_embedded.toml",           4,  7, "target.url",               "applies only to kind = \"external\""},
  {"nginx_template_on_external.toml", 6, 12, "target.template",         "applies only to kind = \"nginx\""},
  {"embedded_nginx_profile.toml",    3, 11, "target.profile",           "embedded target always refuses the strict way"},
  {"timeout_range.toml",             3, 14, "target.timeout_ms",        "from 100 to 600000"},
  {"tls_version_duplicate.toml",     3, 24, "target.tls_versions[1]",   "'1.3' is listed twice"},
  {"tls_versions_empty.toml",        3, 16, "target.tls_versions",      "must list at least one value"},
  // OCSP
  {"ocsp_on_embedded.toml",          4,  8, "target.ocsp",              "applies only to kind = \"nginx\""},
  {"ocsp_check_typo.toml",           4,  8, "target.ocsp",              "expected one of: off, leaf, chain"},
  {"ocsp_responder_without_check.toml", 4, 18, "target.ocsp_responder", "but ocsp is off"},
  {"ocsp_status_typo.toml",          8,  8, "identity[0].ocsp",         "did you mean 'revoked'?"},
  {"ocsp_status_without_check.toml", 7,  8, "identity[0].ocsp",        "[target] ocsp is off"},
  // [[case]]
  {"alert_typo.toml",                8,  9, "case[0].alert",            "did you mean 'unknown_ca'?"},
  {"status_range.toml",              8, 10, "case[0].status",           "700 is out of range"},
  {"reason_with_accept.toml",        8, 10, "case[0].reason",           "but this case expects accept"},
  {"layer_alert_contradiction.toml", 9,  9, "case[0].layer",            "TLS alert, but layer is 'http'"},
  {"layer_status_contradiction.toml", 9, 9, "case[0].layer",            "HTTP status, but layer is 'tls'"},
  {"alert_and_status.toml",          9, 10, "case[0].status",           "both alert and status are pinned"},
  {"seen_identity_on_reject.toml",   8, 17, "case[0].seen_identity",    "this case expects reject"},
  {"case_tls_not_in_target.toml",   10, 17, "case[0].tls_versions[0]",  "the target offers: 1.3"},
  {"path_without_slash.toml",        7,  8, "case[0].path",             "start it with '/'"},
  // [checks]
  {"checks_bad_header.toml",         2, 20, "checks.identity_headers",  "'X Client' is not an HTTP header name"},
  {"checks_public_without_protected.toml", 2, 16, "checks.protected_names", "set both public_names and protected_names"},
  {"checks_typo.toml",               2,  1, "checks.spoofed_identity_header", "did you mean 'spoofed_identity_headers'?"},
};
// clang-format on

std::filesystem::path broken_dir() { return test::test_dir() / "broken"; }

std::string dump(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const auto& d : ds) out += d.to_string() + "\n";
  return out;
}

}  // namespace

TEST_CASE("each broken file is refused, and the diagnostic points at the mistake", "[loader][broken]") {
  const Row& row = GENERATE(from_range(std::begin(kRows), std::end(kRows)));
  auto file = broken_dir() / row.file;
  auto r = load_file(file);
  INFO(row.file << " gave:\n" << dump(r.diagnostics));
  REQUIRE_FALSE(r.ok());
  auto hit = std::find_if(r.diagnostics.begin(), r.diagnostics.end(), [&](const Diagnostic& d) {
    return d.key_path == row.key_path && d.line == row.line && d.column == row.column;
  });
  REQUIRE(hit != r.diagnostics.end());
  CHECK(hit->file == file);
  CHECK_THAT(hit->message + " (" + hit->suggestion + ")", Catch::Contains(row.says));
}

TEST_CASE("every file in broken/ has a row in the table", "[loader][broken]") {
  std::set<std::string> listed;
  for (const auto& r : kRows) listed.insert(r.file);
  listed.insert("many_errors.toml");  // has its own test below
  for (const auto& e : std::filesystem::directory_iterator(broken_dir())) {
    INFO(e.path().filename().string());
    CHECK(listed.count(e.path().filename().string()) == 1);
  }
  CHECK(std::size(kRows) >= 25);
}

TEST_CASE("one pass reports every error of a file, in file order", "[loader][broken]") {
  auto r = load_file(broken_dir() / "many_errors.toml");
  INFO(dump(r.diagnostics));
  struct Expected {
    int line;
    int column;
    const char* key_path;
    const char* says;
  };
  const Expected expected[] = {
      {6, 12, "pki.key_type", "did you mean 'ec-p256'?"},
      {7, 17, "pki.validity_days", "expected an integer, found a string"},
      {15, 1, "identity[0].not_after_day", "did you mean 'not_after_days'?"},
      {20, 18, "identity[1].not_after_days", "an expired identity must have ended"},
      {23, 12, "case[0].identity", "did you mean 'valid'?"},
      {27, 17, "case[1].tls_versions[0]", "TLS 1.2 is not among the target's tls_versions"},
  };
  REQUIRE(r.diagnostics.size() == std::size(expected));
  for (std::size_t i = 0; i < std::size(expected); ++i) {
    const auto& d = r.diagnostics[i];
    CHECK(d.line == expected[i].line);
    CHECK(d.column == expected[i].column);
    CHECK(d.key_path == expected[i].key_path);
    CHECK_THAT(d.message + " (" + d.suggestion + ")", Catch::Contains(expected[i].says));
  }
}
