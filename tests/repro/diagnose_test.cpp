// `diagnose` against a real nginx (verify-on): the verdict, the exit code and the cause it
// names for a valid client, a wrong-CA client, an expired client and a key that does not
// match its certificate; and a closed port.
#include <catch2/catch.hpp>
#include <sstream>

#include "common/process.hpp"
#include "diagnose/diagnose.hpp"
#include "diagnose/render.hpp"
#include "repro_support.hpp"
#include "target/target.hpp"

using namespace mtls;
using scenario::Fault;

namespace {

scenario::Scenario diagnose_scenario() {
  scenario::Scenario s;
  s.name = "diagnose";
  s.file = repro::test::scratch() / "diagnose.toml";
  for (auto [name, fault] : {std::pair{"valid", Fault::none}, {"wrong-ca", Fault::wrong_ca},
                             {"expired", Fault::expired}, {"key-mismatch", Fault::key_mismatch}})
    s.identities.push_back(pki::test::identity(name, fault));
  s.target.kind = scenario::TargetKind::nginx;
  s.target.profile = "nginx";
  return s;
}

struct Row {
  const char* identity;
  int exit_code;
  const char* verdict;
  const char* cause;      // substring of the most likely cause
  const char* printed;    // substring of the printed report
};

}  // namespace

TEST_CASE("diagnose names why nginx refuses a client", "[repro][diagnose][nginx]") {
  if (!test::installed("nginx")) return;
  const auto s = diagnose_scenario();
  pki::Options popts;
  popts.fixtures_root = repro::test::scratch() / "fixtures";
  const auto f = pki::materialize(s, popts);
  target::StartOptions topts;
  topts.runtime_dir = repro::test::scratch() / "diagnose-nginx";
  auto t = target::start(s, f, topts);
  const auto ep = t->endpoint();

  const Row rows[] = {
      {"valid", 0, "accepted", "accepts this client on TLS 1.2 and TLS 1.3", "HTTP 200"},
      {"wrong-ca", 1, "refused",
       "is not among the CA names the server accepts (CN=mtls-harness Root CA,O=mtls-harness)",
       "PROBLEM — stops at CN=mtls-harness Rogue Root CA"},
      {"expired", 1, "refused", "The client certificate expired on", "EXPIRED"},
      {"key-mismatch", 1, "refused",
       "The private key does not belong to the certificate",
       "the key does NOT match the certificate"},
  };
  for (const auto& row : rows) {
    DYNAMIC_SECTION(row.identity) {
      const auto* id = f.find(row.identity);
      REQUIRE(id != nullptr);
      diagnose::Options o;
      o.url = "https://" + ep.host + ":" + std::to_string(ep.port) + "/";
      o.server_name = ep.server_name;
      o.cacert = ep.trust;
      o.cert = id->fullchain;
      o.key = id->key;
      const auto d = diagnose::diagnose(o);
      std::ostringstream out;
      diagnose::print_diagnosis(d, o, out);
      INFO(out.str());
      CHECK(d.exit_code == row.exit_code);
      CHECK(d.verdict == row.verdict);
      CHECK_THAT(d.cause, Catch::Contains(row.cause));
      CHECK_THAT(out.str(), Catch::Contains(row.printed));
      REQUIRE(d.attempts.size() == 2);
      for (const auto& a : d.attempts) {
        // nginx lists the CA of ssl_client_certificate in every CertificateRequest.
        CHECK(a.outcome.certificate_requested);
        CHECK(a.outcome.acceptable_ca_names ==
              std::vector<std::string>{"CN=mtls-harness Root CA,O=mtls-harness"});
      }
      if (std::string(row.identity) == "key-mismatch")
        CHECK_THAT(d.cause, Catch::Contains("alert decrypt_error"));
      if (std::string(row.identity) == "expired")
        CHECK(d.attempts[0].outcome.http_status == 400);
    }
  }
  t->stop();
}

TEST_CASE("diagnose: a closed port is unreachable (exit 3); a bad URL throws", "[repro][diagnose]") {
  const auto s = diagnose_scenario();
  pki::Options popts;
  popts.fixtures_root = repro::test::scratch() / "fixtures";
  const auto f = pki::materialize(s, popts);
  diagnose::Options o;
  o.url = "https://127.0.0.1:" + std::to_string(common::free_loopback_port()) + "/";
  o.cert = f.find("valid")->fullchain;
  o.key = f.find("valid")->key;
  o.timeout_ms = 2000;
  const auto d = diagnose::diagnose(o);
  CHECK(d.exit_code == 3);
  CHECK(d.verdict == "unreachable");
  CHECK_THAT(d.cause, Catch::StartsWith("Cannot connect to 127.0.0.1:"));

  o.url = "http://127.0.0.1/";
  CHECK_THROWS_WITH(diagnose::diagnose(o), Catch::Contains("must start with https://"));
}
