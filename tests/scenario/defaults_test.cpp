// Defaults that depend on other sections, checked on small inline scenarios.
#include <catch2/catch.hpp>

#include "paths.hpp"
#include "scenario/loader.hpp"

using namespace mtls::scenario;

namespace {

// Loads text as if it were a file in tests/scenario/ (so relative paths find data/).
Scenario load_ok(std::string_view text, const char* name = "inline.toml") {
  auto r = load_text(text, test::test_dir() / name);
  for (const auto& d : r.diagnostics) UNSCOPED_INFO(d.to_string());
  REQUIRE(r.ok());
  return r.scenario;
}

}  // namespace

TEST_CASE("an empty file is a valid scenario: name from the file, one 'missing' case", "[loader]") {
  Scenario s = load_ok("", "empty-gate.toml");
  CHECK(s.name == "empty-gate");
  CHECK(s.target.kind == TargetKind::embedded);
  REQUIRE(s.cases.size() == 1);
  CHECK(s.cases[0].name == "missing");
  CHECK(s.cases[0].identity == "none");
  CHECK(s.cases[0].expect.kind == ExpectKind::reject);
  CHECK(s.cases[0].expect.reason == Reason::no_certificate);
}

TEST_CASE("without [[case]], every identity gets its implied case", "[loader]") {
  struct Row {
    const char* verify;
    ExpectKind missing;
  };
  auto row = GENERATE(Row{"required", ExpectKind::reject}, Row{"optional", ExpectKind::accept},
                      Row{"off", ExpectKind::accept});
  Scenario s = load_ok(std::string("[target]\nverify = \"") + row.verify + "\"\n" + R"(
[[identity]]
name = "ok"
[[identity]]
name = "old"
fault = "expired"
)");
  REQUIRE(s.cases.size() == 3);
  CHECK(s.cases[0].name == "ok");
  CHECK(s.cases[0].expect.kind == ExpectKind::accept);
  CHECK(s.cases[1].name == "old");
  CHECK(s.cases[1].expect.reason == Reason::certificate_expired);
  CHECK(s.cases[2].name == "missing");
  CHECK(s.cases[2].expect.kind == row.missing);
}

TEST_CASE("an identity called 'missing' leaves the no-certificate case the name 'none'", "[loader]") {
  Scenario s = load_ok("[[identity]]\nname = \"missing\"\n");
  REQUIRE(s.cases.size() == 2);
  CHECK(s.cases[1].name == "none");
  CHECK(s.cases[1].identity == "none");
}

TEST_CASE("target defaults follow kind and [pki]", "[loader]") {
  SECTION("nginx: nginx profile, verify-on template, depth from [pki]") {
    Scenario s = load_ok("[pki]\nverify_depth = 3\n[target]\nkind = \"nginx\"\n");
    CHECK(s.target.profile == "nginx");
    CHECK(s.target.nginx_template == "verify-on");
    CHECK(s.target.nginx_binary == "nginx");
    CHECK(s.target.verify_depth == 3);
  }
  SECTION("nginx with an explicit template and binary") {
    Scenario s = load_ok(
        "[target]\nkind = \"nginx\"\ntemplate = \"verify-optional\"\nnginx_binary = \"/opt/nginx\"\n");
    CHECK(s.target.nginx_template == "verify-optional");
    CHECK(s.target.nginx_binary == "/opt/nginx");
  }
  SECTION("external: server name from the URL, CA file beside the scenario") {
    struct Row {
      const char* url;
      const char* host;
    };
    auto row = GENERATE(Row{"https://gw.example:8443/api", "gw.example"},
                        Row{"https://gw.example", "gw.example"},
                        Row{"https://[::1]:9443/", "::1"},
                        Row{"https://user@10.0.0.1/", "10.0.0.1"});
    Scenario s = load_ok(std::string("[target]\nkind = \"external\"\nurl = \"") + row.url +
                         "\"\nca_file = \"data/server-ca.pem\"\n");
    CHECK(s.target.url == row.url);
    CHECK(s.target.server_name == row.host);
    CHECK(s.target.profile == "strict");
    CHECK(s.target.ca_file == test::test_dir() / "data" / "server-ca.pem");
  }
  SECTION("external: an explicit server_name wins") {
    Scenario s = load_ok(
        "[target]\nkind = \"external\"\nurl = \"https://10.0.0.1/\"\nserver_name = \"gw.example\"\n"
        "ca_file = \"data/server-ca.pem\"\nprofile = \"nginx\"\n");
    CHECK(s.target.server_name == "gw.example");
    CHECK(s.target.profile == "nginx");
  }
}

TEST_CASE("a brought identity keeps its files, resolved beside the scenario", "[loader]") {
  Scenario s = load_ok(R"([[identity]]
name = "team"
fault = "revoked"
cert = "data/client.pem"
key = "data/client.key"
chain = "data/server-ca.pem"
)");
  const Identity* id = s.find_identity("team");
  REQUIRE(id);
  CHECK_FALSE(id->generated());
  CHECK(id->cert_file == test::test_dir() / "data" / "client.pem");
  CHECK(id->key_file == test::test_dir() / "data" / "client.key");
  CHECK(id->chain_file == test::test_dir() / "data" / "server-ca.pem");
  REQUIRE(s.cases.size() == 2);
  CHECK(s.cases[0].expect.reason == Reason::certificate_revoked);
}

TEST_CASE("case expectations default from the identity and the pins", "[loader]") {
  Scenario s = load_ok(R"(
[target]
tls_versions = ["1.2", "1.3"]

[[identity]]
name = "ok"
[[identity]]
name = "rogue"
fault = "wrong-ca"
[[identity]]
name = "custom"
not_before_days = -10
not_after_days = 20

[[case]]
identity = "rogue"
alert = "unknown_ca"
tls_versions = ["1.3"]
[[case]]
name = "rogue-accepted"
identity = "rogue"
expect = "accept"
[[case]]
name = "ok-refused"
identity = "ok"
expect = "reject"
reason = "not_allowed"
status = 403
[[case]]
identity = "none"
path = "/admin"
skip = "gateway lets anonymous clients read /admin; tracked in OPS-12"
[[case]]
identity = "custom"
)");
  REQUIRE(s.cases.size() == 5);
  const auto& rogue = s.cases[0];
  CHECK(rogue.name == "rogue");
  CHECK(rogue.expect.kind == ExpectKind::reject);
  CHECK(rogue.expect.reason == Reason::unknown_ca);
  CHECK(rogue.expect.alert == "unknown_ca");
  CHECK(rogue.expect.layer == Layer::tls);
  CHECK(rogue.tls_versions == std::vector{TlsVersion::tls1_3});

  CHECK(s.cases[1].expect.kind == ExpectKind::accept);
  CHECK_FALSE(s.cases[1].expect.reason.has_value());

  CHECK(s.cases[2].expect.reason == Reason::not_allowed);
  CHECK(s.cases[2].expect.layer == Layer::http);

  CHECK(s.cases[3].name == "none");
  CHECK(s.cases[3].expect.reason == Reason::no_certificate);
  CHECK(s.cases[3].path == "/admin");
  CHECK(s.cases[3].skip.find("OPS-12") != std::string::npos);

  const Identity* custom = s.find_identity("custom");
  CHECK(custom->not_before_days == -10);
  CHECK(custom->not_after_days == 20);
}

TEST_CASE("Diagnostic::to_string reads like a compiler message", "[diagnostic]") {
  struct Row {
    Diagnostic d;
    const char* text;
  };
  const Row rows[] = {
      {{"s.toml", 4, 9, "identity[0].fault", "'expird' is not a valid fault", "did you mean 'expired'?"},
       "s.toml:4:9: identity[0].fault: 'expird' is not a valid fault (did you mean 'expired'?)"},
      {{"s.toml", 2, 5, "", "TOML syntax error: x", ""}, "s.toml:2:5: TOML syntax error: x"},
      {{"s.toml", 0, 0, "", "cannot open scenario file", ""}, "s.toml: cannot open scenario file"},
  };
  for (const auto& r : rows) CHECK(r.d.to_string() == r.text);
}

TEST_CASE("files that cannot be loaded at all give one diagnostic without a place", "[loader]") {
  SECTION("missing file") {
    auto r = load_file(test::test_dir() / "no-such-scenario.toml");
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].line == 0);
    CHECK_THAT(r.diagnostics[0].message, Catch::Contains("No such file"));
  }
  SECTION("a file name that cannot name a directory, and no [scenario] name") {
    auto r = load_text("", "my gate.toml");
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].line == 0);
    CHECK(r.diagnostics[0].key_path == "scenario.name");
    CHECK(r.diagnostics[0].suggestion == "set name in [scenario]");
  }
}
