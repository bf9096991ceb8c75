// Brought identities through the real binary: files made here with the openssl CLI, each
// row a scenario whose one identity is wrong in one way (or right in an unusual way). Wrong
// ones end with exit 2 before the first probe, with a message naming the identity, the file
// and what is wrong; none may hang (encrypted keys, FIFOs) or read without bound (/dev/zero).
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>

#include "common/process.hpp"
#include "safety_support.hpp"

using namespace mtls;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// Nothing here may take long: a hang is a failure, not a slow test.
constexpr auto kBound = std::chrono::seconds(30);

struct Timed {
  test::CliResult r;
  double seconds = 0;
};

// The harness with stdin on /dev/null (common::spawn), killed once it passes kBound.
Timed run_bounded(const std::vector<std::string>& args, const fs::path& work) {
  const auto t0 = Clock::now();
  const pid_t pid = test::start_harness(args, work);
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (Clock::now() - t0 > kBound) {
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Timed t;
  t.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  t.r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  t.r.output = test::slurp(work / "harness-output.txt");
  return t;
}

void openssl(const fs::path& dir, const std::string& args) {
  const std::string cmd = "cd '" + dir.string() + "' && openssl " + args + " >/dev/null 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);
}

void write(const fs::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
}

// A team's own CA with one client, as the openssl CLI makes them: ca.pem/ca.key, leaf.pem
// (EC P-256, clientAuth) with leaf.key, and next to them the odd files the rows use.
const fs::path& material() {
  static const fs::path dir = [] {
    auto d = test::scratch("brought-material");
    openssl(d, "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key "
               "-out ca.pem -subj '/CN=Team CA' -days 30");
    openssl(d, "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout other.key "
               "-out other.pem -subj '/CN=Unrelated CA' -days 30");
    write(d / "client.ext", "extendedKeyUsage = clientAuth\nbasicConstraints = CA:FALSE\n");
    openssl(d, "req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key "
               "-out leaf.csr -subj '/CN=team-client'");
    openssl(d, "x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 10 "
               "-extfile client.ext -out leaf.pem");
    openssl(d, "genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.key");
    openssl(d, "genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out other-ec.key");
    openssl(d, "x509 -in leaf.pem -outform DER -out leaf.der");
    openssl(d, "pkey -in leaf.key -outform DER -out leaf.key.der");
    openssl(d, "pkcs8 -topk8 -in leaf.key -out leaf-encrypted.key -passout pass:s3cret");
    // Latin-1 text around the PEM block, as some tools leave it ("Zertifikat für Müller").
    write(d / "latin1.pem", "Zertifikat f\xfcr M\xfcller\n" + test::slurp(d / "leaf.pem") + "Ende \xe9\n");
    std::mt19937 rng(7);
    std::string noise(3000, '\0');
    for (auto& c : noise) c = static_cast<char>(rng());
    write(d / "random.bin", noise);
    write(d / "empty.pem", "");
    write(d / "big.pem", std::string(2 << 20, 'A'));
    fs::create_directories(d / "a-directory");
    ::mkfifo((d / "a-fifo").c_str(), 0600);
    return d;
  }();
  return dir;
}

struct Brought {
  std::string fault = "none";
  std::string cert = "leaf.pem";
  std::string key = "leaf.key";
  std::string chain = {};
  std::string extra = {};  // more [[identity]] keys
};

// One identity `team` against the embedded target, TLS 1.3; a generated expired identity
// beside it, so manifest.json shows a generated fault confirmed as well.
fs::path scenario(const fs::path& work, const std::string& name, const Brought& b) {
  auto abs = [](const std::string& f) {
    return f.front() == '/' ? f : (material() / f).string();
  };
  std::string text = "[scenario]\nname = \"" + name + "\"\n[target]\nkind = \"embedded\"\n" +
                     "tls_versions = [\"1.3\"]\n[[identity]]\nname = \"team\"\nfault = \"" +
                     b.fault + "\"\ncert = \"" + abs(b.cert) + "\"\nkey = \"" + abs(b.key) + "\"\n";
  if (!b.chain.empty()) text += "chain = \"" + abs(b.chain) + "\"\n";
  text += b.extra + "\n[[identity]]\nname = \"gone\"\nfault = \"expired\"\n";
  const auto file = work / (name + ".toml");
  write(file, text);
  return file;
}

nlohmann::json manifest_identity(const fs::path& work, const std::string& scenario_name,
                                 const std::string& identity) {
  const auto text = test::slurp(work / "fixtures" / scenario_name / "manifest.json");
  const auto doc = nlohmann::json::parse(text);
  for (const auto& i : doc.at("identities"))
    if (i.at("identity") == identity) return i;
  FAIL("no identity " << identity << " in manifest.json");
  return {};
}

}  // namespace

TEST_CASE("a brought identity that is not what it says stops the run before the first probe",
          "[preflight]") {
  struct Row {
    const char* name;
    Brought b;
    std::vector<std::string> says;
  };
  const auto m = material().string();
  const Row rows[] = {
      {"ec-cert-rsa-key", {"none", "leaf.pem", "rsa.key"},
       {"identity 'team' (fault none): key " + m + "/rsa.key (RSA 2048) does not fit cert " + m +
        "/leaf.pem (EC prime256v1)"}},
      {"unrelated-intermediate", {"none", "leaf.pem", "leaf.key", "other.pem"},
       {"identity 'team' (fault none): the chain does not chain the leaf: certificate 1 of " + m +
        "/other.pem (CN=Unrelated CA) is not the issuer of the leaf (issuer CN=Team CA)"}},
      {"declared-expired-but-valid", {"expired"},
       {"identity 'team' (fault expired): cert " + m + "/leaf.pem is valid until ",
        ": it is not expired"}},
      {"declared-revoked-not-on-a-crl", {"revoked"},
       {"identity 'team' (fault revoked): no CRL of the scenario (", "crl-bundle.pem) lists serial ",
        " issued by CN=Team CA"}},
      {"declared-self-signed-but-issued", {"self-signed"},
       {"identity 'team' (fault self-signed): cert " + m + "/leaf.pem is not self-signed (issuer CN=Team CA"}},
      {"declared-wrong-eku-but-client-auth", {"wrong-eku"},
       {"identity 'team' (fault wrong-eku): cert " + m + "/leaf.pem has clientAuth"}},
      {"key-mismatch-whose-key-fits", {"key-mismatch"},
       {"identity 'team' (fault key-mismatch): key " + m + "/leaf.key fits cert " + m + "/leaf.pem"}},
      {"key-mismatch-of-another-type", {"key-mismatch", "leaf.pem", "rsa.key"},
       {"a key-mismatch key must be of the certificate's type"}},
  };
  auto work = test::scratch("brought-preflight");
  for (const auto& row : rows) {
    for (const char* cmd : {"pki", "run"}) {
      const auto file = scenario(work, row.name, row.b);
      std::vector<std::string> args{cmd, file.string(), "--fixtures", "fixtures"};
      if (std::string(cmd) == "run") args.insert(args.end(), {"--reports", "reports"});
      auto t = run_bounded(args, work);
      INFO(cmd << " " << row.name << ":\n" << t.r.output);
      CHECK(t.r.exit_code == 2);
      for (const auto& s : row.says) CHECK_THAT(t.r.output, Catch::Contains(s));
      CHECK_THAT(t.r.output, Catch::Contains("found before the first probe; nothing was probed"));
      CHECK_FALSE(fs::exists(work / "reports" / row.name / "report.json"));
    }
  }
}

TEST_CASE("manifest.json says what the preflight verified, for brought and generated identities",
          "[preflight]") {
  auto work = test::scratch("brought-verified");
  const auto file = scenario(work, "verified", {"wrong-ca", "leaf.pem", "leaf.key", "ca.pem"});
  auto t = run_bounded({"pki", file.string(), "--fixtures", "fixtures"}, work);
  INFO(t.r.output);
  REQUIRE(t.r.exit_code == 0);
  const auto team = manifest_identity(work, "verified", "team").at("verified");
  CHECK(team.at("key_matches_cert") == true);
  CHECK(team.at("chain_ok") == true);
  CHECK(team.at("chain_certs") == 1);
  CHECK(team.at("fault_confirmed").is_null());
  CHECK(team.at("fault_not_checked") == "wrong-ca depends on what the gateway trusts; the probe shows it");
  const auto gone = manifest_identity(work, "verified", "gone");
  CHECK(gone.at("verified").at("fault_confirmed") ==
        "expired (notAfter " + gone.at("not_after").get<std::string>() + ")");
}

TEST_CASE("an encrypted key never prompts: exit 2 saying how to give the passphrase, or it works",
          "[passphrase]") {
  const auto m = material().string();
  const std::string key = m + "/leaf-encrypted.key";
  struct Row {
    const char* name;
    std::string extra;      // [[identity]] keys
    const char* env_value;  // MTLS_TEST_KEY_PASSPHRASE; nullptr: unset
    int exit_code;
    std::string says;
  };
  const Row rows[] = {
      {"no-passphrase-given", "", nullptr, 2,
       "identity 'team': key " + key + " is encrypted; set key_password_env = \"VAR\" in the "
       "[[identity]] named 'team'"},
      {"variable-not-set", "key_password_env = \"MTLS_TEST_KEY_PASSPHRASE\"", nullptr, 2,
       "identity 'team': key " + key + ": its passphrase is to come from $MTLS_TEST_KEY_PASSPHRASE, "
       "which is not set"},
      {"wrong-passphrase", "key_password_env = \"MTLS_TEST_KEY_PASSPHRASE\"", "wrong", 2,
       "identity 'team': key " + key + ": the passphrase in $MTLS_TEST_KEY_PASSPHRASE does not decrypt it"},
      // Presented and refused by the embedded target for its issuer: the key was loaded.
      {"passphrase-from-the-environment", "key_password_env = \"MTLS_TEST_KEY_PASSPHRASE\"", "s3cret", 0,
       "team"},
  };
  auto work = test::scratch("brought-passphrase");
  for (const auto& row : rows) {
    if (row.env_value) ::setenv("MTLS_TEST_KEY_PASSPHRASE", row.env_value, 1);
    else ::unsetenv("MTLS_TEST_KEY_PASSPHRASE");
    const auto file = scenario(work, row.name, {"wrong-ca", "leaf.pem", "leaf-encrypted.key", "", row.extra});
    auto t = run_bounded({"run", file.string(), "--fixtures", "fixtures", "--reports", "reports",
                          "--skip-load"}, work);
    INFO(row.name << ":\n" << t.r.output);
    CHECK(t.seconds < 20);
    CHECK(t.r.exit_code == row.exit_code);
    CHECK_THAT(t.r.output, Catch::Contains(row.says));
    if (row.exit_code == 0) {
      const auto report = nlohmann::json::parse(test::slurp(work / "reports" / row.name / "report.json"));
      bool seen = false;
      for (const auto& c : report.at("cases"))
        if (c.at("identity") == "team") {
          seen = true;
          CHECK(c.at("verdict") == "pass");
          CHECK(c.at("outcome").at("tls").at("alerts").dump().find("unknown_ca") != std::string::npos);
        }
      CHECK(seen);
    }
  }
  ::unsetenv("MTLS_TEST_KEY_PASSPHRASE");
}

TEST_CASE("certificates and keys in DER, with Latin-1 around the PEM, or garbage", "[formats]") {
  const auto m = material().string();
  struct Row {
    const char* name;
    Brought b;
    int exit_code;
    std::string says;  // exit 2: the message
  };
  const Row rows[] = {
      {"der-cert", {"wrong-ca", "leaf.der"}, 0, ""},
      {"der-key", {"wrong-ca", "leaf.pem", "leaf.key.der"}, 0, ""},
      {"latin1-comment", {"wrong-ca", "latin1.pem"}, 0, ""},
      {"random-cert", {"wrong-ca", "random.bin"}, 2,
       "identity 'team': cert " + m + "/random.bin holds neither PEM nor DER: expected certificate(s)"},
      {"random-key", {"wrong-ca", "leaf.pem", "random.bin"}, 2,
       "identity 'team': key " + m + "/random.bin holds neither PEM nor DER: expected a private key"},
      {"empty-cert", {"wrong-ca", "empty.pem"}, 2,
       "identity 'team': cert " + m + "/empty.pem is empty; expected certificate(s)"},
      {"random-chain", {"wrong-ca", "leaf.pem", "leaf.key", "random.bin"}, 2,
       "identity 'team': chain " + m + "/random.bin holds neither PEM nor DER"},
  };
  auto work = test::scratch("brought-formats");
  for (const auto& row : rows) {
    const auto file = scenario(work, row.name, row.b);
    auto t = run_bounded({"pki", file.string(), "--fixtures", "fixtures"}, work);
    INFO(row.name << ":\n" << t.r.output);
    CHECK(t.r.exit_code == row.exit_code);
    if (row.exit_code != 0) {
      CHECK_THAT(t.r.output, Catch::Contains(row.says));
      CHECK_THAT(t.r.output, !Catch::Contains("json"));
      continue;
    }
    // Valid JSON (UTF-8) whatever the files held, and the key really fits.
    const auto team = manifest_identity(work, row.name, "team");
    CHECK(team.at("subject") == "CN=team-client");
    CHECK(team.at("verified").at("key_matches_cert") == true);
  }
}

TEST_CASE("paths that are not small regular files are refused at once, naming path and limit",
          "[bounded]") {
  const auto m = material().string();
  struct Row {
    std::string path;
    std::string why;
  };
  const Row rows[] = {
      {"/dev/zero", "a character device, not a regular file"},
      {m + "/a-fifo", "a FIFO, not a regular file"},
      {m + "/big.pem", "larger than the 1 MiB limit for input files"},
      {m + "/a-directory", "a directory, not a regular file"},
  };
  auto work = test::scratch("brought-bounded");
  for (const auto& row : rows) {
    SECTION("diagnose --key " + row.path) {
      auto t = run_bounded({"diagnose", "--url", "https://127.0.0.1:9/", "--cert", m + "/leaf.pem",
                            "--key", row.path}, work);
      INFO(t.r.output);
      CHECK(t.seconds < 10);
      CHECK(t.r.exit_code == 2);
      CHECK_THAT(t.r.output, Catch::Contains("--key cannot read " + row.path + ": " + row.why));
    }
    SECTION("[[identity]] cert = " + row.path) {
      const auto file = scenario(work, "bounded", {"none", row.path});
      auto t = run_bounded({"run", file.string(), "--fixtures", "fixtures", "--reports", "reports"}, work);
      INFO(t.r.output);
      CHECK(t.seconds < 10);
      CHECK(t.r.exit_code == 2);
      CHECK_THAT(t.r.output, Catch::Contains("identity[0].cert: " + row.path + ": " + row.why));
    }
  }
}
