// The gate's exit codes, end to end through the binary: a wrong gateway config fails the run
// with a mismatch that names the fault; bad input is 2; an absent target is 3.
#include <catch2/catch.hpp>

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
};

}  // namespace

TEST_CASE("gate exit codes and mismatch messages") {
  for (const auto& row : kRows) {
    SECTION(row.scenario) {
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
