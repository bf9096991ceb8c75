// Rendering nginx configs without running nginx: placeholders, escaping of allow-list
// names, and what each shipped template turns a scenario's [target] into.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>

#include "target/nginx_config.hpp"
#include "target/nginx_template.hpp"
#include "target/target.hpp"

namespace fs = std::filesystem;
using namespace mtls;
using target::nginx::Placeholders;

namespace {

fs::path templates_dir() {
  const char* root = std::getenv("MTLS_SOURCE_ROOT");
  REQUIRE(root != nullptr);
  return fs::path(root) / "fixtures" / "nginx";
}

// Paths only: nothing is read, nginx never sees them.
pki::Fixtures fake_fixtures() {
  pki::Fixtures f;
  f.ca_bundle = "/pki/ca-bundle.pem";
  f.crl_bundle = "/pki/crl-bundle.pem";
  f.server_cert = "/pki/server.pem";
  f.server_key = "/pki/server.key";
  f.server_fullchain = "/pki/server-fullchain.pem";
  f.server_trust = "/pki/server-trust.pem";
  return f;
}

scenario::Scenario nginx_scenario(const std::string& tmpl) {
  scenario::Scenario s;
  s.name = "render";
  s.target.kind = scenario::TargetKind::nginx;
  s.target.nginx_template = tmpl;
  s.target.allow.common_names = {"client-valid"};
  return s;
}

target::nginx::Site site() { return {"127.0.0.1", 8443, "/run/mtls", ""}; }

std::string render_shipped(const scenario::Scenario& s) {
  const auto values = target::nginx::placeholders(s, fake_fixtures(), site());
  const auto text = [&] {
    std::ifstream in(templates_dir() / (s.target.nginx_template + ".conf"));
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  return target::nginx::render(text, s.target.nginx_template, values);
}

bool has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("render replaces every placeholder verbatim", "[nginx][template]") {
  const Placeholders v = {{"port", "8443"}, {"x", "{{port}}"}};
  CHECK(target::nginx::render("listen {{port}};\n{{x}}", "t", v) == "listen 8443;\n{{port}}");
  CHECK(target::nginx::render("events { }", "t", v) == "events { }");
}

TEST_CASE("render names template, line and placeholder when one is unknown", "[nginx][template]") {
  struct Row {
    const char* text;
    const char* message;
  };
  const Row rows[] = {
      {"a\nlisten {{prot}};", "nginx template verify-on line 2: unknown placeholder {{prot}}"},
      {"listen {{port;\n}}", "nginx template verify-on line 1: '{{' without a closing '}}'"},
  };
  for (const auto& row : rows) {
    CAPTURE(row.text);
    try {
      target::nginx::render(row.text, "verify-on", {{"port", "1"}});
      FAIL("no error");
    } catch (const target::TargetError& e) {
      CHECK_THAT(e.what(), Catch::Contains(row.message));
    }
  }
}

TEST_CASE("common names are spelled as $ssl_client_s_dn spells them", "[nginx][template]") {
  struct Row {
    const char* cn;
    const char* escaped;
    const char* key;
  };
  const Row rows[] = {
      {"client-valid", "client-valid", R"("client-valid")"},
      {"Example, Corp", R"(Example\, Corp)", R"("Example\\, Corp")"},
      {"a+b=\"c\"", R"(a\+b=\"c\")", R"("a\\+b=\\\"c\\\"")"},
      {" lead", R"(\ lead)", R"("\\\\ lead")"},
      {"#hash", R"(\#hash)", R"("\\\\#hash")"},
      {"caf\xc3\xa9", R"(caf\C3\A9)", R"("caf\\C3\\A9")"},
      {"default", "default", R"("\\default")"},
      {"~regex", "~regex", R"("\\~regex")"},
  };
  for (const auto& row : rows) {
    CAPTURE(row.cn);
    CHECK(target::nginx::rfc2253_escape(row.cn) == row.escaped);
    CHECK(target::nginx::map_key(row.escaped) == row.key);
  }
}

TEST_CASE("every shipped template renders completely", "[nginx][template]") {
  const auto names = target::nginx::template_names(templates_dir());
  CHECK(names == std::vector<std::string>{"allow-cn", "no-crl", "ocsp", "optional-403",
                                          "optional-no-enforce", "verify-on"});
  for (const auto& name : names) {
    CAPTURE(name);
    const auto text = render_shipped(nginx_scenario(name));
    CHECK_FALSE(has(text, "{{"));
    CHECK(has(text, "include include/server-tls.conf;"));
    CHECK(has(text, "include include/identity.conf;"));
  }
}

TEST_CASE("templates differ exactly where they claim to", "[nginx][template]") {
  struct Row {
    const char* name;
    std::vector<std::string> present;
    std::vector<std::string> absent;
  };
  const Row rows[] = {
      {"verify-on", {"ssl_verify_client on;", "ssl_crl /run/mtls/crl.pem;"},
       {"return 403", "ssl_ocsp"}},
      // [target] ocsp off here: the directive is a comment (placeholders test the rest).
      {"ocsp", {"ssl_verify_client on;", "ssl_crl /run/mtls/crl.pem;", "# ssl_ocsp: [target] ocsp = off"},
       {"return 403"}},
      {"optional-403",
       {"ssl_verify_client optional;", "if ($ssl_client_verify != SUCCESS)", "return 403;"},
       {}},
      {"optional-no-enforce", {"ssl_verify_client optional;"}, {"return 403"}},
      {"no-crl", {"ssl_verify_client on;"}, {"ssl_crl /"}},
      {"allow-cn",
       {"ssl_verify_client on;", "ssl_crl /run/mtls/crl.pem;", "\"client-valid\" 1;",
        "if ($mtls_cn_allowed = 0)"},
       {}},
  };
  for (const auto& row : rows) {
    CAPTURE(row.name);
    const auto text = render_shipped(nginx_scenario(row.name));
    for (const auto& p : row.present) CHECK(has(text, p));
    for (const auto& a : row.absent) CHECK_FALSE(has(text, a));
  }
}

TEST_CASE("placeholders follow [target]", "[nginx][template]") {
  auto s = nginx_scenario("verify-on");
  auto values = [&] { return target::nginx::placeholders(s, fake_fixtures(), site()); };
  CHECK(values().at("ssl_protocols") == "TLSv1.2 TLSv1.3");
  CHECK(values().at("ssl_session_cache") == "shared:mtls_sessions:1m");
  CHECK(values().at("ssl_session_tickets") == "on");
  CHECK(values().at("server_cert") == "/pki/server-fullchain.pem");
  CHECK(values().at("listen_address") == "127.0.0.1");
  CHECK(values().at("verify_depth") == "2");

  s.target.tls_versions = {scenario::TlsVersion::tls1_3};
  s.target.session_cache = false;
  s.target.session_tickets = false;
  s.target.crl = false;
  s.target.verify_depth = 3;
  CHECK(values().at("ssl_protocols") == "TLSv1.3");
  CHECK(values().at("ssl_session_cache") == "off");
  CHECK(values().at("ssl_session_tickets") == "off");
  CHECK_THAT(values().at("ssl_crl"), Catch::StartsWith("#"));
  CHECK(values().at("verify_depth") == "3");

  const auto v6 = target::nginx::placeholders(s, fake_fixtures(), {"::1", 8443, "/run/mtls", ""});
  CHECK(v6.at("listen_address") == "[::1]");

  CHECK_THAT(values().at("ssl_ocsp"), Catch::StartsWith("# ssl_ocsp"));
  s.target.ocsp = scenario::OcspCheck::leaf;
  auto ocsp_site = site();
  ocsp_site.ocsp_responder_url = "http://127.0.0.1:9999/";
  const auto leaf = target::nginx::placeholders(s, fake_fixtures(), ocsp_site).at("ssl_ocsp");
  CHECK_THAT(leaf, Catch::StartsWith("ssl_ocsp leaf;") &&
                       Catch::Contains("ssl_ocsp_responder http://127.0.0.1:9999/;") &&
                       Catch::Contains("ssl_ocsp_cache shared:mtls_ocsp:1m;"));
  s.target.ocsp = scenario::OcspCheck::chain;
  CHECK_THAT(target::nginx::placeholders(s, fake_fixtures(), ocsp_site).at("ssl_ocsp"),
             Catch::StartsWith("ssl_ocsp on;"));
  CHECK_THROWS_WITH(target::nginx::placeholders(s, fake_fixtures(), site()),
                    Catch::Contains("no OCSP responder runs"));
}

TEST_CASE("placeholders refuse what nginx cannot express", "[nginx][template]") {
  struct Row {
    const char* what;
    std::function<void(scenario::Scenario&, pki::Fixtures&)> change;
    const char* message;
  };
  const Row rows[] = {
      {"allow-cn without names",
       [](auto& s, auto&) {
         s.target.nginx_template = "allow-cn";
         s.target.allow.common_names.clear();
       },
       "allow-cn needs [target.allow] common_names"},
      {"allow-cn with SAN entries",
       [](auto& s, auto&) {
         s.target.nginx_template = "allow-cn";
         s.target.allow.san_uri = {"spiffe://x"};
       },
       "nginx 1.22 has no variable for subjectAltName"},
      {"no TLS versions", [](auto& s, auto&) { s.target.tls_versions.clear(); },
       "tls_versions is empty"},
      {"path nginx would misparse", [](auto&, auto& f) { f.ca_bundle = "/my pki/ca.pem"; },
       "client CA bundle path '/my pki/ca.pem' contains a character"},
  };
  for (const auto& row : rows) {
    CAPTURE(row.what);
    auto s = nginx_scenario("verify-on");
    auto f = fake_fixtures();
    row.change(s, f);
    try {
      target::nginx::placeholders(s, f, site());
      FAIL("no error");
    } catch (const target::TargetError& e) {
      CHECK_THAT(e.what(), Catch::Contains(row.message));
    }
  }
}

TEST_CASE("an unknown template name lists the available ones", "[nginx][template]") {
  const auto values =
      target::nginx::placeholders(nginx_scenario("verify-on"), fake_fixtures(), site());
  const auto scratch = fs::temp_directory_path() / "mtls-nginx-template-test";
  try {
    target::nginx::write_config(templates_dir(), "verify-off", values, scratch);
    FAIL("no error");
  } catch (const target::TargetError& e) {
    CHECK_THAT(e.what(), Catch::Contains("nginx template 'verify-off' not found") &&
                             Catch::Contains("available: allow-cn, no-crl, ocsp, optional-403, "
                                             "optional-no-enforce, verify-on"));
  }
}
