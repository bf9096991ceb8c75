// A user's own nginx config gated end to end through the binary: the shipped example green
// unchanged, each broken variant red naming its fault, nginx -t's refusal as exit 3 naming the
// user's file:line, an unmappable directive as exit 2, the rewrite in report.json, and nginx
// never left running.
#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/files.hpp"
#include "prerequisites.hpp"
#include "run/run_cli.hpp"

using namespace mtls;
namespace fs = std::filesystem;

namespace {

struct Row {
  const char* scenario;  // under scenarios/own-nginx/ or tests/userconf/configs/
  int exit_code;
  const char* output_part;
};

const Row kRows[] = {
    {"scenarios/own-nginx/gate.toml", 0, "own-nginx: 12 passed, 0 failed, 0 errors, 0 skipped of 12"},
    {"scenarios/own-nginx/gate.toml", 0, "api.conf:20 ssl_client_certificate /etc/nginx/tls/ca.crt → "},
    {"scenarios/own-nginx/gate.toml", 0, "api.conf:6 server 10.20.0.7:8080 → 127.0.0.1:"},
    {"scenarios/own-nginx/gate-no-crl.toml", 1,
     "MISMATCH revoked [TLS 1.2]: expected reject at HTTP 400 (certificate_revoked), got HTTP 200 — "
     "the gateway accepted a revoked certificate"},
    {"scenarios/own-nginx/gate-optional-unchecked.toml", 1,
     "MISMATCH no certificate [TLS 1.3]: expected reject at HTTP 400 (no_certificate), got HTTP 200 — "
     "the gateway accepted a client that sent no certificate"},
    {"scenarios/own-nginx/gate-depth-too-large.toml", 1,
     "MISMATCH too deep [TLS 1.2]: expected reject at HTTP 400 (chain_too_long), got HTTP 200 — the "
     "gateway accepted a chain deeper than its verify depth"},
    // optional + `if ($ssl_client_verify != SUCCESS) { return 403; }`, upstream by host name.
    {"tests/userconf/configs/optional-403.toml", 0, "optional-403: 8 passed, 0 failed, 0 errors, 0 skipped of 8"},
    {"tests/userconf/configs/optional-403.toml", 0, "optional-403.conf:4 server app.internal.example:8080 → 127.0.0.1:"},
    {"tests/userconf/configs/optional-403.toml", 0, "optional-403.conf:20 proxy_pass https://app/ → http://app/"},
    {"tests/userconf/configs/nginx-t-refuses.toml", 3,
     "nginx: [emerg] unknown directive \"ssl_verify_clients\" in "},
    {"tests/userconf/configs/nginx-t-refuses.toml", 3, "nginx-t-refuses.conf:5"},
    {"tests/userconf/configs/variable-cert.toml", 2,
     "variable-cert.conf:4: ssl_certificate /etc/nginx/tls/$ssl_server_name.crt: a certificate "
     "loaded from a variable"},
};

bool alive(pid_t pid) { return pid > 0 && ::kill(pid, 0) == 0; }

}  // namespace

TEST_CASE("own nginx config: gated unchanged, broken variants named, nginx stopped") {
  if (!test::installed("nginx")) return;
  for (const auto& row : kRows) {
    DYNAMIC_SECTION(row.scenario << " → " << row.output_part) {
      const auto work = test::scratch("own-nginx");
      const auto r = test::run_harness({"run", (test::source_root() / row.scenario).string(),
                                        "--reports", (work / "reports").string(), "--fixtures",
                                        (work / "fixtures").string()},
                                       work);
      INFO(r.output);
      CHECK(r.exit_code == row.exit_code);
      CHECK_THAT(r.output, Catch::Contains(row.output_part));
      // Whatever happened, the nginx of this run is gone.
      if (fs::exists(work / "reports"))
        for (const auto& e : fs::recursive_directory_iterator(work / "reports"))
          if (e.path().filename() == "nginx.pid") {
            const pid_t pid = std::stoi(common::read_file(e.path()));
            CHECK_FALSE(alive(pid));
          }
    }
  }
}

TEST_CASE("own nginx config: the rewrite is in report.json") {
  if (!test::installed("nginx")) return;
  const auto work = test::scratch("own-nginx-json");
  const auto r = test::run_harness({"run", (test::source_root() / "scenarios/own-nginx/gate.toml").string(),
                                    "--reports", (work / "reports").string(), "--fixtures",
                                    (work / "fixtures").string()},
                                   work);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const auto doc = nlohmann::json::parse(common::read_file(work / "reports/own-nginx/report.json"));
  const auto& tc = doc.at("meta").at("target_config");
  CHECK(tc.at("source").get<std::string>().ends_with("scenarios/own-nginx/api.conf"));
  CHECK(fs::exists(tc.at("rendered").get<std::string>()));
  bool trust = false;
  for (const auto& c : tc.at("changes"))
    if (c.at("directive") == "ssl_client_certificate") {
      trust = true;
      CHECK(c.at("from") == "/etc/nginx/tls/ca.crt");
      CHECK(c.at("where").get<std::string>().ends_with("api.conf:20"));
    }
  CHECK(trust);
  REQUIRE(tc.at("listeners").size() == 1);
  CHECK(tc.at("listeners")[0].at("written_port") == 443);
  CHECK(tc.at("listeners")[0].at("cases") == true);
  // The rendered copy listens on loopback only and proxies to the harness's backend.
  const auto text = common::read_file(tc.at("rendered").get<std::string>());
  CHECK_THAT(text, !Catch::Contains("10.20.0.7") && !Catch::Contains("listen 443"));
}
