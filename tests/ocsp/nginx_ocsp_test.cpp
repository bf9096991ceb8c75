// A real nginx (Debian's package) with client-certificate OCSP, end to end through the binary:
// the harness runs its OCSP responder on loopback (or holds a port nobody answers on), renders
// fixtures/nginx/ocsp.conf and runs the shipped OCSP scenarios on TLS 1.2 and 1.3. Each case
// must show the way nginx 1.22 was observed to show it (README "OCSP"); a template that does
// not check OCSP must fail the gate naming the gateway and the fault.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "../run/run_cli.hpp"
#include "common/files.hpp"
#include "prerequisites.hpp"

using namespace mtls;

namespace {

struct Expected {
  const char* case_name;
  const char* observed;       // prefix of the report's "observed", both TLS versions
  const char* client_verify;  // nginx's $ssl_client_verify (X-Client-Verify header)
};

struct Scenario {
  const char* name;  // scenarios/<name>.toml
  const char* summary;
  std::vector<Expected> cases;
  const char* responder_log;  // a line part of ocsp-responder.log; "" when it is down
};

const std::vector<Scenario>& scenarios() {
  static const std::vector<Scenario> table = {
      {"nginx-ocsp", "8 passed, 0 failed, 0 errors, 0 skipped of 8",
       {
           {"valid", "HTTP 200", "SUCCESS"},
           {"ocsp-revoked", "HTTP 400", "FAILED:certificate revoked"},
           {"ocsp-unknown", "HTTP 400", "FAILED:certificate status unknown"},
           // The CRL refuses it before OCSP is asked: the same words, from the CRL check.
           {"revoked", "HTTP 400", "FAILED:certificate revoked"},
       },
       ": revoked\n"},
      {"nginx-ocsp-down", "4 passed, 0 failed, 0 errors, 0 skipped of 4",
       {
           {"responder-down", "HTTP 400", "FAILED:certificate status request failed"},
           {"expired", "HTTP 400", "FAILED:certificate has expired"},
       },
       ""},
  };
  return table;
}

void check_cases(const nlohmann::json& doc, const Scenario& sc) {
  std::size_t seen = 0;
  for (const auto& row : sc.cases)
    for (const auto& c : doc["cases"]) {
      if (c["case"] != row.case_name) continue;
      ++seen;
      INFO(sc.name << " " << row.case_name << " TLS " << c["tls_version"].get<std::string>());
      CHECK(c["verdict"] == "pass");
      CHECK_THAT(c["observed"].get<std::string>(), Catch::StartsWith(row.observed));
      CHECK(c["outcome"]["http"]["headers"]["x-client-verify"] == row.client_verify);
    }
  CHECK(seen == 2 * sc.cases.size());
}

}  // namespace

TEST_CASE("nginx ssl_ocsp: good, revoked, unknown and responder down, as observed") {
  if (!test::installed("nginx")) return;
  for (const auto& sc : scenarios()) {
    SECTION(sc.name) {
      auto dir = test::scratch(std::string("ocsp-") + sc.name);
      auto file = (test::source_root() / "scenarios" / (std::string(sc.name) + ".toml")).string();
      auto r = test::run_harness({"run", file, "--no-color"}, dir);
      INFO(r.output);
      REQUIRE(r.exit_code == 0);
      CHECK_THAT(r.output, Catch::Contains(sc.summary));
      const auto reports = dir / "reports" / sc.name;
      auto doc = nlohmann::json::parse(common::read_file(reports / "report.json"));
      CHECK(doc["meta"]["profile"] == "nginx");
      check_cases(doc, sc);
      const auto log = reports / "target" / "ocsp-responder.log";
      const auto error_log = common::read_file(reports / "target" / "error.log");
      if (std::string(sc.responder_log).empty()) {
        // Down: nobody answered, and nginx says it could not ask.
        CHECK_FALSE(std::filesystem::exists(log));
        CHECK_THAT(error_log, Catch::Contains("while requesting certificate status"));
      } else {
        // nginx asked the responder (GET, RFC 5019) about the leaf, and was told.
        CHECK_THAT(common::read_file(log), Catch::Contains("GET: intermediate ") &&
                                               Catch::Contains(sc.responder_log));
      }
    }
  }
}

TEST_CASE("a template without ssl_ocsp fails the OCSP gate, naming gateway and fault") {
  if (!test::installed("nginx")) return;
  auto dir = test::scratch("ocsp-unchecked");
  auto file = (test::source_root() / "tests" / "ocsp" / "scenarios" / "nginx-ocsp-unchecked.toml").string();
  auto r = test::run_harness({"run", file, "--no-color"}, dir);
  INFO(r.output);
  CHECK(r.exit_code == 1);
  for (const char* version : {"1.2", "1.3"}) {
    CHECK_THAT(r.output,
               Catch::Contains(std::string("ocsp-revoked [TLS ") + version +
                               "]: expected reject at HTTP 400 (ocsp_revoked), got HTTP 200 — the "
                               "gateway accepted a certificate its OCSP responder reports revoked"));
    CHECK_THAT(r.output,
               Catch::Contains(std::string("ocsp-unknown [TLS ") + version +
                               "]: expected reject at HTTP 400 (ocsp_unknown), got HTTP 200 — the "
                               "gateway accepted a certificate its OCSP responder does not know"));
  }
  CHECK_THAT(r.output, Catch::Contains("'nginx' profile"));
}
