// The gate's exit codes, end to end through the binary: a wrong gateway config fails the run
// with a mismatch that names the fault; bad input is 2; an absent target is 3.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "common/files.hpp"
#include "run_cli.hpp"

using namespace mtls;

namespace {

struct Row {
  const char* scenario;  // under tests/run/scenarios/
  int exit_code;
  const char* output_part;
};

const Row kRows[] = {
    {"nginx-no-crl.toml", 1,
     "revoked [TLS 1.2]: expected reject at HTTP 400 (certificate_revoked), got HTTP 200 — the "
     "gateway accepted a revoked certificate"},
    {"nginx-optional-no-enforce.toml", 1,
     "missing [TLS 1.3]: expected reject at HTTP 400 (no_certificate), got HTTP 200 — the gateway "
     "accepted a client that sent no certificate"},
    // Misconfigured HAProxy, Apache httpd and Caddy: the mismatch names the gateway and fault.
    {"haproxy-no-crl.toml", 1,
     "revoked [TLS 1.2]: expected reject at TLS alert certificate_revoked (certificate_revoked), "
     "got HTTP 200 — the gateway accepted a revoked certificate ('haproxy' profile)"},
    {"haproxy-optional-no-enforce.toml", 1,
     "missing [TLS 1.3]: expected reject at TLS alert certificate_required (no_certificate), got "
     "HTTP 200 — the gateway accepted a client that sent no certificate ('haproxy' profile)"},
    {"apache-no-crl.toml", 1,
     "revoked [TLS 1.3]: expected reject at TLS alert certificate_revoked (certificate_revoked), "
     "got HTTP 200 — the gateway accepted a revoked certificate ('apache' profile)"},
    {"apache-optional-no-enforce.toml", 1,
     "missing [TLS 1.2]: expected reject at TLS alert handshake_failure (no_certificate), got "
     "HTTP 200 — the gateway accepted a client that sent no certificate ('apache' profile)"},
    {"caddy-optional-no-enforce.toml", 1,
     "missing [TLS 1.2]: expected reject at TLS alert bad_certificate (no_certificate), got "
     "HTTP 200 — the gateway accepted a client that sent no certificate ('caddy' profile)"},
    {"unreachable.toml", 3, "TCP refused"},
    {"broken-two-errors.toml", 2, "broken-two-errors.toml: 2 errors; nothing was run"},
    // No [load.gates]: a phase whose every connection failed unexpectedly fails the run.
    {"implicit-gate.toml", 1,
     "GATE FAILED refused-everywhere: error_rate_max <= 0 (implicit: the phase sets no "
     "[load.gates]; refusals owed to faulty identities are not errors): measured 1 (FAIL)"},
    {"implicit-gate.toml", 1,
     "gate allowed: error_rate_max <= 0 (implicit: the phase sets no [load.gates]; refusals "
     "owed to faulty identities are not errors): measured 0 (pass)"},
    // A mix of faulty identities refused the way the profile says: no errors, nobody got in.
    {"mix-owed-refusals.toml", 0,
     "gate owed: error_rate_max <= 0 (implicit: the phase sets no [load.gates]; refusals owed "
     "to faulty identities are not errors): measured 0 (pass)"},
    {"mix-owed-refusals.toml", 0, "gate owed: must_refuse: no identity the gateway must refuse got in"},
    {"mix-owed-refusals.toml", 0,
     "expected: refused (certificate_expired): tls_alert:certificate_expired"},
    {"mix-owed-refusals.toml", 0, "expected: refused (not_allowed): http_status:403"},
    // A faulty identity that got in fails the phase whatever its gates.
    {"mix-wrongly-accepted.toml", 1,
     "GATE FAILED revoked-in-the-mix: must_refuse: revoked got in"},
};

}  // namespace

TEST_CASE("gate exit codes and mismatch messages") {
  for (const auto& row : kRows) {
    SECTION(std::string(row.scenario) + ": " + row.output_part) {
      auto dir = test::scratch(std::string("gate-") + row.scenario);
      auto file = (test::source_root() / "tests" / "run" / "scenarios" / row.scenario).string();
      auto r = test::run_harness({"run", file, "--no-color"}, dir);
      INFO(r.output);
      CHECK(r.exit_code == row.exit_code);
      CHECK_THAT(r.output, Catch::Contains(row.output_part));
    }
  }
}

TEST_CASE("a usage error is exit 2 and says what is valid") {
  auto dir = test::scratch("gate-usage");
  auto file = (test::source_root() / "scenarios" / "quickstart.toml").string();
  auto r = test::run_harness({"run", file, "--tls", "1.1"}, dir);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("--tls: '1.1' is not 1.2 or 1.3"));
}

TEST_CASE("--phase, --duration, --connections and --rate reshape the load phases") {
  auto dir = test::scratch("gate-load-overrides");
  auto file = (test::source_root() / "scenarios" / "quickstart.toml").string();
  auto r = test::run_harness({"run", file, "--no-color", "--skip-cases", "--phase", "full-*",
                              "--phase", "mixed-refusals", "--duration", "0.5", "--connections", "2"},
                             dir);
  INFO(r.output);
  CHECK_THAT(r.output, Catch::Contains("load phase 'full-handshakes': 2 connections for 0.5 s"));
  CHECK_THAT(r.output, Catch::Contains("load phase 'mixed-refusals': 2 connections for 0.5 s"));
  CHECK_THAT(r.output, !Catch::Contains("load phase 'resumed-psk'"));
  auto doc = nlohmann::json::parse(
      common::read_file(dir / "reports" / "quickstart" / "report.json"));
  REQUIRE(doc["load"].size() == 2);
  for (const auto& p : doc["load"]) {
    CHECK(p["phase"]["duration_s"] == 0.5);
    CHECK(p["phase"]["connections"] == 2);
    CHECK(p["mode"] == "closed");
    CHECK(p["measured_s"].get<double>() < 2.0);  // the phase really ran shorter
  }

  struct Bad {
    std::vector<std::string> args;
    const char* says;
  } const bad[] = {
      {{"--phase", "nope"}, "--phase: no load phase matches; phases are: full-handshakes resumed-psk mixed-refusals"},
      {{"--connections", "2", "--rate", "5"}, "--connections (closed loop) and --rate (open loop) exclude each other"},
      {{"--duration", "0"}, "--duration"},
      {{"--rate", "100000"}, "--rate"},
  };
  for (const auto& b : bad) {
    std::vector<std::string> args = {"run", file, "--skip-cases"};
    args.insert(args.end(), b.args.begin(), b.args.end());
    auto e = test::run_harness(args, dir);
    INFO(e.output);
    CHECK(e.exit_code == 2);
    CHECK_THAT(e.output, Catch::Contains(b.says));
  }
}

TEST_CASE("the revoked-resumption gate is red where a revoked client resumes, green where not") {
  struct Row {
    const char* scenario;
    int exit_code;
    const char* says;
    const char* measured;
  } const rows[] = {
      {"revoked-resume-embedded.toml", 1,
       "GATE FAILED psk: revoked_resume = refused: a revoked client resuming by psk GETS IN", "gets_in"},
      {"revoked-resume-nginx.toml", 0,
       "gate psk: revoked_resume = refused: a revoked client resuming by psk is refused, ", "refused"},
  };
  for (const auto& row : rows) {
    SECTION(row.scenario) {
      auto dir = test::scratch(std::string("gate-") + row.scenario);
      auto file = (test::source_root() / "tests" / "run" / "scenarios" / row.scenario).string();
      auto r = test::run_harness({"run", file, "--no-color"}, dir);
      INFO(r.output);
      CHECK(r.exit_code == row.exit_code);
      CHECK_THAT(r.output, Catch::Contains(row.says));
      const std::string name = std::string(row.scenario).substr(0, std::string(row.scenario).size() - 5);
      const auto report = dir / "reports" / name;
      auto doc = nlohmann::json::parse(common::read_file(report / "report.json"));
      const auto& gates = doc["load"][0]["gates"];
      REQUIRE(gates.size() == 1);
      CHECK(gates[0]["name"] == "revoked_resume");
      CHECK(gates[0]["limit_text"] == "refused");
      CHECK(gates[0]["measured_text"] == row.measured);
      CHECK(gates[0]["pass"] == (row.exit_code == 0));
      // Its own testcase in JUnit, its own row in summary.md and report.html.
      CHECK_THAT(common::read_file(report / "junit.xml"),
                 Catch::Contains("classname=\"" + name + ".load.psk\" name=\"revoked_resume\""));
      CHECK_THAT(common::read_file(report / "summary.md"),
                 Catch::Contains(std::string("| revoked\\_resume | refused | ") +
                                 (row.measured == std::string("gets_in") ? "gets\\_in" : row.measured) + " |"));
      CHECK_THAT(common::read_file(report / "report.html"),
                 Catch::Contains(std::string("<td class=\"num\">refused</td><td class=\"num\">") + row.measured));
    }
  }
}

TEST_CASE("the load client the report describes: the engine's caches, or stock OpenSSL") {
  struct Row {
    const char* name;
    std::vector<std::string> extra;
    bool caches;
    const char* says;
  } const rows[] = {
      {"caches on (the default)", {}, true,
       "client: OpenSSL with the engine's caches for server verification, peer certificates, "
       "fetched methods"},
      {"--stock-openssl", {"--stock-openssl"}, false, "client: stock OpenSSL"},
  };
  auto file = (test::source_root() / "scenarios" / "quickstart.toml").string();
  for (const auto& row : rows) {
    SECTION(row.name) {
      auto dir = test::scratch(std::string("gate-client-") + (row.caches ? "caches" : "stock"));
      std::vector<std::string> args = {"run", file, "--no-color", "--skip-cases", "--phase",
                                       "full-handshakes", "--duration", "0.3", "--connections", "2"};
      args.insert(args.end(), row.extra.begin(), row.extra.end());
      auto r = test::run_harness(args, dir);
      INFO(r.output);
      CHECK(r.exit_code == 0);
      CHECK_THAT(r.output, Catch::Contains(row.says));
      auto doc = nlohmann::json::parse(
          common::read_file(dir / "reports" / "quickstart" / "report.json"));
      REQUIRE(doc["load"].size() == 1);
      const auto& client = doc["load"][0]["client"];
      CHECK(client["stock_openssl"] == !row.caches);
      CHECK(client["server_verification_cache"] == row.caches);
      CHECK(client["peer_certificate_cache"] == row.caches);
      CHECK(client["fetch_cache"] == row.caches);
      CHECK(doc["load"][0]["counts"]["handshakes_full"].get<int>() > 0);
    }
  }
}
