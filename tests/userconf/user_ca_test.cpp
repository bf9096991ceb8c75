// The user's own CA ([pki] ca_cert, ca_key, intermediate_cert, intermediate_key): a company
// CA made here with the openssl command line, as a user would, then a guide-style config of
// each gateway (nginx, HAProxy, Apache httpd, Caddy) that trusts it gated unchanged. The trust
// the config names is tested as written; the CA's key never lands in the fixtures or the
// reports; a key anyone may read, a key that does not fit, and a generated identity without
// the key are refused before anything runs.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fmt/core.h>
#include <fstream>

#include "common/files.hpp"
#include "prerequisites.hpp"
#include "run/run_cli.hpp"

using namespace mtls;
namespace fs = std::filesystem;

namespace {

void sh(const std::string& command) {
  INFO(command);
  REQUIRE(std::system(command.c_str()) == 0);
}

void write(const fs::path& p, const std::string& text) {
  std::ofstream(p) << text;
}

// A root and an issuing intermediate, keys 0600, in `dir`; `name` tells two CAs apart.
void make_company_ca(const fs::path& dir, const std::string& name) {
  fs::create_directories(dir);
  const std::string d = dir.string();
  write(dir / "ca.ext", "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
                        "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n");
  sh(fmt::format("cd {0} && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
                 "-keyout root.key -out root.crt -days 30 -subj '/O={1}/CN={1} Root CA' "
                 "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign "
                 "2>/dev/null && openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
                 "-keyout issuing.key -out issuing.csr -subj '/O={1}/CN={1} Issuing CA' 2>/dev/null && "
                 "openssl x509 -req -in issuing.csr -CA root.crt -CAkey root.key -CAcreateserial "
                 "-out issuing.crt -days 20 -extfile ca.ext 2>/dev/null && chmod 600 root.key issuing.key",
                 d, name));
}

const char* kScenario = R"(
[scenario]
name = "company-ca"

[pki]
ca_cert = "company/root.crt"
ca_key = "company/root.key"
intermediate_cert = "company/issuing.crt"
intermediate_key = "company/issuing.key"

[target]
kind = "{kind}"
config = "{config}"

[[identity]]
name = "orders"
common_name = "orders.internal"

[[identity]]
name = "expired"
fault = "expired"

{revoked_identity}
[[identity]]
name = "stranger"
fault = "wrong-ca"

{deep_identity}
[[case]]
name = "valid client of the company CA"
identity = "orders"
expect = "accept"

[[case]]
name = "no certificate"
identity = "none"
expect = "reject"

[[case]]
name = "expired"
identity = "expired"
expect = "reject"

{revoked_case}
[[case]]
name = "another CA"
identity = "stranger"
expect = "reject"

{deep_case}
# This test is about the user's CA; the built-in checks have tests of their own.
[checks]
spoofed_identity_headers = false
sni_host_mismatch = false
requested_vs_required = false
refusals_logged = false
)";

std::string nginx_config(const std::string& trust) {
  return fmt::format(R"(server {{
    listen 443 ssl;
    server_name localhost;
    ssl_certificate     /etc/nginx/tls/server.crt;
    ssl_certificate_key /etc/nginx/tls/server.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_client_certificate {};
    ssl_verify_client on;
    ssl_verify_depth 2;
    ssl_crl /etc/nginx/tls/company.crl;
    location / {{
        proxy_set_header X-Client-DN $ssl_client_s_dn;
        proxy_pass http://10.1.2.3:8080;
    }}
}}
)",
                     trust);
}

std::string haproxy_config(const std::string& trust) {
  return fmt::format(R"(defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s

frontend api
    bind :443 ssl crt /etc/haproxy/api.pem ca-file {} verify required crl-file /etc/haproxy/company.crl
    http-request set-header X-Client-DN %{{+Q}}[ssl_c_s_dn]
    default_backend app

backend app
    server app1 10.1.2.3:8080
)",
                     trust);
}

std::string apache_config(const std::string& trust) {
  return fmt::format(R"(<VirtualHost *:443>
    ServerName localhost
    SSLEngine on
    SSLCertificateFile /etc/ssl/certs/api.crt
    SSLCertificateKeyFile /etc/ssl/private/api.key
    SSLCACertificateFile {}
    SSLVerifyClient require
    SSLVerifyDepth 2
    SSLCARevocationFile /etc/apache2/ssl/company.crl
    SSLCARevocationCheck chain
    ProxyPass / http://10.1.2.3:8080/
</VirtualHost>
)",
                     trust);
}

std::string caddy_config(const std::string& trust) {
  return fmt::format(R"(localhost {{
	tls {{
		client_auth {{
			mode require_and_verify
			trusted_ca_cert_file {}
		}}
	}}
	reverse_proxy 10.1.2.3:8080
}}
)",
                     trust);
}

// One guide-style config per gateway, as its users write it, and what it can enforce.
struct GatewayRow {
  const char* kind;
  const char* config_file;
  std::string (*config)(const std::string& trust);
  bool checks_crl;    // Caddy 2.6 checks none
  bool checks_depth;  // HAProxy 2.6 has no verify-depth setting, Caddy 2.6 none either
  int results;        // cases x TLS versions
};

const GatewayRow kGateways[] = {
    {"nginx", "api.conf", nginx_config, true, true, 12},
    {"haproxy", "haproxy.cfg", haproxy_config, true, false, 10},
    {"apache", "api.conf", apache_config, true, true, 12},
    {"caddy", "Caddyfile", caddy_config, false, false, 8},  // Go checks no CRL and no depth
};

std::string scenario_for(const GatewayRow& g) {
  std::string s = kScenario;
  auto fill = [&](const std::string& key, const std::string& value) {
    const auto at = s.find("{" + key + "}");
    REQUIRE(at != std::string::npos);
    s.replace(at, key.size() + 2, value);
  };
  fill("kind", g.kind);
  fill("config", g.config_file);
  fill("revoked_identity", g.checks_crl ? "[[identity]]\nname = \"revoked\"\nfault = \"revoked\"\n" : "");
  fill("deep_identity", g.checks_depth ? "[[identity]]\nname = \"deep\"\nfault = \"too-deep\"\n" : "");
  fill("revoked_case", g.checks_crl ? "[[case]]\nname = \"revoked\"\nidentity = \"revoked\"\nexpect = \"reject\"\n" : "");
  fill("deep_case", g.checks_depth ? "[[case]]\nname = \"too deep\"\nidentity = \"deep\"\nexpect = \"reject\"\n" : "");
  return s;
}

struct Gate {
  fs::path work;
  test::CliResult result;
};

// A fresh work directory with the company CA, the gateway's config trusting `trust`, and the
// scenario with `edit` applied to it; then `mtls-harness run`.
Gate gate(const GatewayRow& gw, const std::string& label, const std::string& trust,
          const std::function<std::string(std::string)>& edit = {}) {
  Gate g;
  g.work = test::scratch(label + "-" + gw.kind);
  make_company_ca(g.work / "company", "Company");
  make_company_ca(g.work / "other", "Other");
  write(g.work / gw.config_file, gw.config(trust));
  const auto scenario = scenario_for(gw);
  write(g.work / "gate.toml", edit ? edit(scenario) : scenario);
  g.result = test::run_harness({"run", (g.work / "gate.toml").string(), "--reports",
                                (g.work / "reports").string(), "--fixtures", (g.work / "fixtures").string()},
                               g.work);
  return g;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// Every file below `dir`, concatenated: where a copied key would show.
std::string all_bytes_below(const fs::path& dir) {
  std::string out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out += common::read_file(e.path());
  return out;
}

}  // namespace

TEST_CASE("user CA: a config trusting the company CA gates green as written, the key stays put") {
  for (const auto& gw : kGateways) {
    if (!test::installed(gw.kind)) continue;
    DYNAMIC_SECTION(gw.kind) {
      const auto g = gate(gw, "user-ca-green", "company/root.crt");
      INFO(g.result.output);
      CHECK(g.result.exit_code == 0);
      CHECK_THAT(g.result.output, Catch::Contains(fmt::format("company-ca: {0} passed, 0 failed, 0 errors, 0 skipped of {0}",
                                                              gw.results)));
      // The trust is the config's own file (a relative path made absolute for the rendered
      // copy), never the fixture bundle; only the CRL (signed by the company CA) is swapped in.
      CHECK_THAT(g.result.output, Catch::Contains((g.work / "company/root.crt").string()));
      CHECK_THAT(g.result.output, !Catch::Contains("ca-bundle.pem"));
      // Neither CA key is copied into the fixtures or the reports.
      for (const char* key : {"company/root.key", "company/issuing.key"}) {
        const auto pem = common::read_file(g.work / key);
        // The second base64 line: the first is the same for every P-256 key (the PKCS#8 header).
        const auto second = pem.find('\n', pem.find('\n') + 1) + 1;
        const auto body = pem.substr(second, 40);
        REQUIRE(body.size() == 40);
        CHECK_THAT(all_bytes_below(g.work / "fixtures"), !Catch::Contains(body));
        CHECK_THAT(all_bytes_below(g.work / "reports"), !Catch::Contains(body));
      }
      // The revoked client is in a CRL the company CA signed: openssl itself says so.
      const auto f = g.work / "fixtures/company-ca";
      if (gw.checks_crl) {
        sh(fmt::format("cd {} && openssl verify -crl_check_all -CAfile company/root.crt -untrusted company/issuing.crt "
                       "-CRLfile {}/crl/crl-bundle.pem {}/clients/revoked/cert.pem 2>&1 | grep -q 'certificate revoked'",
                       g.work.string(), f.string(), f.string()));
        sh(fmt::format("cd {} && openssl verify -crl_check_all -CAfile company/root.crt -untrusted company/issuing.crt "
                       "-CRLfile {}/crl/crl-bundle.pem {}/clients/orders/cert.pem | grep -q ': OK'",
                       g.work.string(), f.string(), f.string()));
      }
    }
  }
}

TEST_CASE("user CA: a config trusting another CA is red for the company's valid client") {
  for (const auto& gw : kGateways) {
    if (!test::installed(gw.kind)) continue;
    DYNAMIC_SECTION(gw.kind) {
      const auto g = gate(gw, "user-ca-wrong-trust", "other/root.crt");
      INFO(g.result.output);
      CHECK(g.result.exit_code == 1);
      CHECK_THAT(g.result.output,
                 Catch::Contains("MISMATCH valid client of the company CA [TLS 1.2]: expected accept"));
    }
  }
}

struct Refusal {
  const char* label;
  std::function<std::string(std::string)> edit;
  const char* before_run;  // a shell command run in the work dir after the CA is made
  const char* output_part;
};

TEST_CASE("user CA: an encrypted key, and the gateway's own CRL kept as written") {
  if (!test::installed("nginx")) return;
  const auto& gw = kGateways[0];
  // Made as a CA team would: the issuing key encrypted, and CRLs published with `openssl ca`.
  auto prepare = [](const fs::path& work) {
    sh(fmt::format(
        "cd {}/company && openssl pkey -in issuing.key -aes256 -passout pass:s3cret -out k 2>/dev/null && "
        "mv k issuing.key && chmod 600 issuing.key && : > index.txt && echo 01 > crlnumber && "
        "printf '[ca]\\ndefault_ca = d\\n[d]\\ndatabase = index.txt\\ncrlnumber = crlnumber\\n"
        "default_md = sha256\\ndefault_crl_days = 30\\n' > ca.cnf && "
        "openssl ca -config ca.cnf -gencrl -keyfile root.key -cert root.crt -out root.crl 2>/dev/null && "
        "openssl ca -config ca.cnf -gencrl -keyfile issuing.key -passin pass:s3cret -cert issuing.crt "
        "-out issuing.crl 2>/dev/null && cat root.crl issuing.crl > company.crl",
        work.string()));
  };
  ::setenv("MTLS_TEST_CA_PASSPHRASE", "s3cret", 1);
  const auto edit = [](std::string s) {
    s = replaced(s, "intermediate_key = \"company/issuing.key\"\n",
                 "intermediate_key = \"company/issuing.key\"\nintermediate_key_password_env = \"MTLS_TEST_CA_PASSPHRASE\"\n");
    s = replaced(s, "config = \"api.conf\"\n", "config = \"api.conf\"\ngateway_crl = true\n");
    // Only identities the user's CRL does not list: a revoked one would have to be brought.
    // (and no too-deep one: its harness-made sub-CAs are in no CRL of the user's).
    s = replaced(s, "[[identity]]\nname = \"revoked\"\nfault = \"revoked\"\n", "");
    s = replaced(s, "[[identity]]\nname = \"deep\"\nfault = \"too-deep\"\n", "");
    s = replaced(s, "[[case]]\nname = \"too deep\"\nidentity = \"deep\"\nexpect = \"reject\"\n", "");
    return replaced(s, "[[case]]\nname = \"revoked\"\nidentity = \"revoked\"\nexpect = \"reject\"\n", "");
  };
  Gate g;
  g.work = test::scratch("user-ca-encrypted");
  make_company_ca(g.work / "company", "Company");
  prepare(g.work);
  std::string config = gw.config("company/root.crt");
  config = replaced(config, "ssl_crl /etc/nginx/tls/company.crl;", "ssl_crl company/company.crl;");
  write(g.work / gw.config_file, config);
  write(g.work / "gate.toml", edit(scenario_for(gw)));
  g.result = test::run_harness({"run", (g.work / "gate.toml").string(), "--reports", (g.work / "reports").string(),
                                "--fixtures", (g.work / "fixtures").string()},
                               g.work);
  ::unsetenv("MTLS_TEST_CA_PASSPHRASE");
  INFO(g.result.output);
  CHECK(g.result.exit_code == 0);
  CHECK_THAT(g.result.output, Catch::Contains("company-ca: 8 passed, 0 failed, 0 errors, 0 skipped of 8"));
  // The CRL is the config's own file (made absolute), not one the harness signed.
  CHECK_THAT(g.result.output, Catch::Contains("ssl_crl company/company.crl → " + (g.work / "company/company.crl").string()));
  CHECK_THAT(g.result.output, !Catch::Contains("crl.pem"));
}

TEST_CASE("user CA: what cannot be used is exit 2 before anything runs") {
  const Refusal rows[] = {
      {"no key, generated identity",
       [](std::string s) {
         s = replaced(s, "ca_key = \"company/root.key\"\n", "");
         return replaced(s, "intermediate_key = \"company/issuing.key\"\n", "");
       },
       nullptr,
       "identity 'orders' (valid) must be issued by your CA"},
      {"key readable by others", {}, "chmod 644 company/issuing.key", "chmod 600 "},
      {"key of another CA",
       [](std::string s) { return replaced(s, "\"company/issuing.key\"", "\"other/issuing.key\""); },
       nullptr, "[pki] intermediate_key does not fit"},
      {"intermediate of another root",
       [](std::string s) {
         s = replaced(s, "\"company/issuing.crt\"", "\"other/issuing.crt\"");
         return replaced(s, "\"company/issuing.key\"", "\"other/issuing.key\"");
       },
       nullptr, "is not issued by [pki] ca_cert"},
      {"encrypted key without its passphrase variable",
       [](std::string s) {
         return replaced(s, "intermediate_key = \"company/issuing.key\"\n",
                         "intermediate_key = \"company/issuing.key\"\nintermediate_key_password_env = \"MTLS_TEST_UNSET_PASSPHRASE\"\n");
       },
       "openssl pkey -in company/issuing.key -aes256 -passout pass:s3cret -out k && mv k company/issuing.key && "
       "chmod 600 company/issuing.key",
       "MTLS_TEST_UNSET_PASSPHRASE"},
      {"gateway_crl without the user's CA",
       [](std::string s) {
         s = s.substr(0, s.find("[pki]")) + s.substr(s.find("[target]"));
         return replaced(s, "config = \"api.conf\"\n", "config = \"api.conf\"\ngateway_crl = true\n");
       },
       nullptr, "gateway_crl keeps your CRL, but the clients come from the fixture CA"},
      {"gateway_crl with a generated revoked identity",
       [](std::string s) { return replaced(s, "config = \"api.conf\"\n", "config = \"api.conf\"\ngateway_crl = true\n"); },
       nullptr, "identity 'revoked' is revoked in the CRL the harness signs, but [target] gateway_crl checks your own CRL"},
  };
  for (const auto& row : rows) {
    DYNAMIC_SECTION(row.label) {
      const auto work = test::scratch("user-ca-refused");
      make_company_ca(work / "company", "Company");
      make_company_ca(work / "other", "Other");
      write(work / "api.conf", nginx_config("company/root.crt"));
      const auto scenario = scenario_for(kGateways[0]);
      write(work / "gate.toml", row.edit ? row.edit(scenario) : scenario);
      if (row.before_run) sh(fmt::format("cd {} && {}", work.string(), row.before_run));
      const auto r = test::run_harness({"run", (work / "gate.toml").string(), "--reports",
                                        (work / "reports").string(), "--fixtures", (work / "fixtures").string()},
                                       work);
      INFO(r.output);
      CHECK(r.exit_code == 2);
      CHECK_THAT(r.output, Catch::Contains(row.output_part));
      CHECK_FALSE(fs::exists(work / "reports/company-ca/report.json"));
    }
  }
}
