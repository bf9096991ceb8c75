// HAProxy, Apache httpd and Caddy from Debian's packages, end to end through the real binary:
// each shipped gate scenario starts its gateway on loopback with the generated PKI, runs the
// full fault table on TLS 1.2 and 1.3 and must pass, with the specific alert or status each
// gateway was observed to give (README "How gateways refuse").
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "common/files.hpp"
#include "gateway_support.hpp"

using namespace mtls;

namespace {

struct Expected {
  const char* case_name;
  const char* tls12;  // observed text prefix; "" for a case the scenario skips
  const char* tls13;
};

struct Gateway {
  const char* kind;  // scenarios/<kind>-gate.toml
  const char* summary;
  std::vector<Expected> cases;
};

// The strict wire forms (OpenSSL's verifier mapped to alerts), which HAProxy and Apache share.
#define ALERT(name) "TLS alert " name " (during", "TLS alert " name " (after"
// A fault the gateway cannot refuse: probed, shown as not checkable, never a pass.
#define NOT_CHECKABLE(observed) "not checkable: " observed, "not checkable: " observed

const std::vector<Gateway>& gateways() {
  static const std::vector<Gateway> table = {
      {"haproxy", "26 passed, 0 failed, 0 errors, 2 not checkable, 0 skipped of 28",
       {
           {"valid", "HTTP 200", "HTTP 200"},
           {"rsa", "HTTP 200", "HTTP 200"},
           {"missing", "TLS alert handshake_failure (during", "TLS alert certificate_required (after"},
           {"expired", ALERT("certificate_expired")},
           {"not-yet-valid", ALERT("bad_certificate")},
           {"wrong-ca", ALERT("unknown_ca")},
           {"revoked", ALERT("certificate_revoked")},
           {"self-signed", ALERT("unknown_ca")},
           {"wrong-eku", ALERT("unsupported_certificate")},
           {"missing-intermediate", ALERT("unknown_ca")},
           {"too-deep", NOT_CHECKABLE("HTTP 403")},  // HAProxy 2.6 has no verify depth; the allow-list answers
           {"weak-key", ALERT("bad_certificate")},
           {"key-mismatch", ALERT("decrypt_error")},
           {"stranger", "HTTP 403", "HTTP 403"},
       }},
      {"apache", "28 passed, 0 failed, 0 errors, 0 skipped of 28",
       {
           {"valid", "HTTP 200", "HTTP 200"},
           {"rsa", "HTTP 200", "HTTP 200"},
           {"missing", "TLS alert handshake_failure (during", "TLS alert certificate_required (after"},
           {"expired", ALERT("certificate_expired")},
           {"not-yet-valid", ALERT("bad_certificate")},
           {"wrong-ca", ALERT("unknown_ca")},
           {"revoked", ALERT("certificate_revoked")},
           {"self-signed", ALERT("unknown_ca")},
           {"wrong-eku", ALERT("unsupported_certificate")},
           {"missing-intermediate", ALERT("unknown_ca")},
           {"too-deep", ALERT("internal_error")},
           {"weak-key", ALERT("bad_certificate")},
           {"key-mismatch", ALERT("decrypt_error")},
           {"stranger", "HTTP 403", "HTTP 403"},
       }},
      {"caddy", "22 passed, 0 failed, 0 errors, 6 not checkable, 0 skipped of 28",
       {
           {"valid", "HTTP 200", "HTTP 200"},
           {"rsa", "HTTP 200", "HTTP 200"},
           {"missing", ALERT("bad_certificate")},
           {"expired", ALERT("bad_certificate")},
           {"not-yet-valid", ALERT("bad_certificate")},
           {"wrong-ca", ALERT("bad_certificate")},
           {"revoked", NOT_CHECKABLE("HTTP 403")},  // no CRL checking; the allow-list answers
           {"self-signed", ALERT("bad_certificate")},
           {"wrong-eku", ALERT("bad_certificate")},
           {"missing-intermediate", ALERT("bad_certificate")},
           {"too-deep", NOT_CHECKABLE("HTTP 403")},  // no depth limit
           {"weak-key", NOT_CHECKABLE("HTTP 403")},  // RSA-1024 accepted
           {"key-mismatch", ALERT("decrypt_error")},
           {"stranger", "HTTP 403", "HTTP 403"},
       }},
  };
  return table;
}

#undef ALERT
#undef NOT_CHECKABLE

void check_cases(const nlohmann::json& doc, const Gateway& g) {
  std::size_t seen = 0;
  for (const auto& row : g.cases) {
    for (const auto& c : doc["cases"]) {
      if (c["case"] != row.case_name) continue;
      ++seen;
      const std::string want = c["tls_version"] == "1.2" ? row.tls12 : row.tls13;
      INFO(g.kind << " " << row.case_name << " TLS " << c["tls_version"].get<std::string>());
      if (want.empty()) {
        CHECK(c["verdict"] == "skipped");
        continue;
      }
      if (const std::string nc = "not checkable: "; want.rfind(nc, 0) == 0) {
        CHECK(c["verdict"] == "not_checkable");
        const std::string observed_prefix = want.substr(nc.size());
        CHECK_THAT(c["observed"].get<std::string>(), Catch::StartsWith(observed_prefix));
        continue;
      }
      CHECK_THAT(c["observed"].get<std::string>(), Catch::StartsWith(want));
      CHECK(c["verdict"] == "pass");
    }
  }
  CHECK(seen == 2 * g.cases.size());
}

}  // namespace

TEST_CASE("every gateway's gate scenario passes with the refusals observed on its wire") {
  for (const auto& g : gateways()) {
    SECTION(g.kind) {
      if (!test::installed(g.kind)) continue;
      auto dir = test::scratch(std::string("gate-") + g.kind);
      auto file = (test::source_root() / "scenarios" / (std::string(g.kind) + "-gate.toml")).string();
      auto r = test::run_harness({"run", file, "--no-color"}, dir);
      INFO(r.output);
      REQUIRE(r.exit_code == 0);
      CHECK_THAT(r.output, Catch::Contains(g.summary));
      const auto report = dir / "reports" / (std::string(g.kind) + "-gate") / "report.json";
      auto doc = nlohmann::json::parse(common::read_file(report));
      CHECK_THAT(doc["meta"]["target"].get<std::string>(),
                 Catch::StartsWith(std::string(g.kind) + " ") && Catch::EndsWith("(template verify-on)"));
      CHECK(doc["meta"]["profile"] == g.kind);
      check_cases(doc, g);
      // The backend saw the verified identity of the valid client.
      for (const auto& c : doc["cases"])
        if (c["case"] == "valid")
          CHECK_THAT(c["outcome"]["http"]["headers"]["x-client-dn"].get<std::string>(),
                     Catch::Contains("CN=client-valid"));
    }
  }
}
