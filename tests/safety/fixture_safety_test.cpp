// Fixture directories and the secrets in them: keys are 0600; a fixture directory others
// can write to is refused (exit 2, the directory and the fix named); no private key ever
// reaches the console, report.json, junit.xml or a log.
#include <catch2/catch.hpp>

#include <fstream>
#include <sys/stat.h>
#include <vector>
#include <nlohmann/json.hpp>

#include "safety_support.hpp"

using namespace mtls;
namespace fs = std::filesystem;

namespace {

// Files holding a private key, by name: *.key, key.pem, *.key.pem, bundles and PKCS#12.
bool holds_private_key(const fs::path& p) {
  const std::string name = p.filename().string();
  return p.extension() == ".key" || name == "key.pem" || name.ends_with(".key.pem") ||
         name == "bundle.pem" || p.extension() == ".p12";
}

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

fs::path generate_fixtures(const fs::path& work) {
  auto r = test::run_harness({"pki", test::small_scenario().string(), "--fixtures", "fixtures"},
                             work);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  return work / "fixtures" / "small";
}

// The base64 lines of every PEM private key under `dir`.
std::vector<std::string> key_bodies(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& rel : test::files_below(dir)) {
    const std::string text = test::slurp(dir / rel);
    const auto begin = text.find("PRIVATE KEY-----\n");
    if (begin == std::string::npos) continue;
    const auto body = begin + std::string("PRIVATE KEY-----\n").size();
    const auto end = text.find("\n-----END", body);
    REQUIRE(end != std::string::npos);
    std::string lines = text.substr(body, end - body);
    for (std::size_t at = 0, nl; at < lines.size(); at = nl + 1) {
      nl = lines.find('\n', at);
      if (nl == std::string::npos) nl = lines.size();
      if (nl - at >= 16) out.push_back(lines.substr(at, nl - at));
    }
  }
  return out;
}

}  // namespace

TEST_CASE("every private key in a generated fixture set is mode 0600") {
  const auto dir = generate_fixtures(test::scratch("safety-key-modes"));
  int keys = 0;
  for (const auto& rel : test::files_below(dir)) {
    if (!holds_private_key(rel)) continue;
    INFO(rel);
    CHECK(mode_of(dir / rel) == 0600);
    ++keys;
  }
  // root, intermediate and rogue CA keys; server; key, bundle and .p12 of both identities
  CHECK(keys == 3 + 1 + 2 * 3);
}

TEST_CASE("a fixture directory others can write to is refused with the fix") {
  struct Row {
    const char* dir;  // below fixtures/small
    unsigned mode;
    const char* says;
  };
  const Row rows[] = {
      {".", 0775, "is group-writable (mode 0775)"},
      {".", 0757, "is world-writable (mode 0757)"},
      {"ca", 0777, "is group- and world-writable (mode 0777)"},
      {"clients/valid", 0770, "is group-writable (mode 0770)"},
  };
  auto work = test::scratch("safety-fixture-dir");
  const auto fixtures = generate_fixtures(work);
  for (const auto& row : rows) {
    SECTION(std::string(row.dir) + " " + std::to_string(row.mode)) {
      const fs::path dir =
          std::string(row.dir) == "." ? fs::path("fixtures/small") : fs::path("fixtures/small") / row.dir;
      fs::permissions(work / dir, static_cast<fs::perms>(row.mode));
      const auto key_before = test::slurp(fixtures / "ca" / "root.key.pem");
      const std::string scenario = test::small_scenario().string();
      for (const std::vector<std::string>& args :
           {std::vector<std::string>{"run", scenario, "--fixtures", "fixtures", "--reports",
                                     "reports", "--no-color"},
            {"pki", scenario, "--fixtures", "fixtures"}}) {
        auto r = test::run_harness(args, work);
        INFO(args[0] << ": " << r.output);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.output, Catch::Contains("fixture directory " + dir.string() + " " + row.says));
        CHECK_THAT(r.output, Catch::Contains("fix it with: chmod -R go-w " + dir.string()));
      }
      CHECK_FALSE(fs::exists(work / "reports"));  // nothing was run
      CHECK(test::slurp(fixtures / "ca" / "root.key.pem") == key_before);
      fs::permissions(work / dir, fs::perms(0755));
      auto fixed = test::run_harness({"run", test::small_scenario().string(), "--fixtures",
                                      "fixtures", "--reports", "reports", "--no-color"},
                                     work);
      INFO(fixed.output);
      CHECK(fixed.exit_code == 0);  // the advertised fix is enough
    }
  }
}

TEST_CASE("no private key in the console output, report.json, junit.xml or logs") {
  auto work = test::scratch("safety-no-key-leak");
  const auto fixtures = generate_fixtures(work);
  const auto bodies = key_bodies(fixtures);
  REQUIRE(bodies.size() >= 4 * 2);  // 4 PEM keys at least (3 CAs, server, clients), 2+ lines each

  std::vector<std::pair<std::string, std::string>> seen;  // what, text
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"validate", test::small_scenario().string()},
        {"pki", test::small_scenario().string(), "--fixtures", "fixtures"},
        {"run", test::small_scenario().string(), "--fixtures", "fixtures", "--reports", "reports",
         "--no-color"}}) {
    auto r = test::run_harness(args, work);
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    seen.emplace_back("output of mtls-harness " + args[0], r.output);
  }
  for (const auto& rel : test::files_below(work / "reports"))
    seen.emplace_back("reports/" + rel, test::slurp(work / "reports" / rel));
  REQUIRE(seen.size() >= 3 + 2);  // three commands, report.json and junit.xml at least

  for (const auto& [what, text] : seen) {
    INFO(what);
    CHECK_THAT(text, !Catch::Contains("PRIVATE KEY"));
    for (const auto& line : bodies) CHECK_THAT(text, !Catch::Contains(line));
  }
}

TEST_CASE("a regeneration that fails midway (EFBIG) leaves the previous set whole and usable") {
  auto work = test::scratch("safety-fixture-efbig");
  const auto dir = generate_fixtures(work);
  const auto before = test::snapshot(dir);
  // The CA files fit under the limit; the manifest (several KiB) does not.
  auto r = test::run_harness_file_limit(
      {"pki", test::small_scenario().string(), "--fixtures", "fixtures", "--force"}, work, 2048);
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("cannot write fixtures/.small.staging-"));
  CHECK_THAT(r.output, Catch::Contains(": File too large"));
  CHECK(test::snapshot(dir) == before);
  for (const auto& e : fs::directory_iterator(work / "fixtures"))
    CHECK_THAT(e.path().filename().string(), !Catch::Contains("staging"));

  auto run = test::run_harness({"run", test::small_scenario().string(), "--fixtures", "fixtures",
                                "--reports", "reports", "--no-color"},
                               work);
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(test::snapshot(dir) == before);  // reused: the set was whole
}

TEST_CASE("a scenario named like a gateway template folder never writes keys into it") {
  // The shipped layout: fixtures/nginx/ holds templates git tracks.
  auto work = test::scratch("safety-template-folder");
  const auto templates = work / "fixtures" / "nginx";
  fs::create_directories(templates / "include");
  { std::ofstream(templates / "verify-on.conf") << "server { listen {{listen_address}}; }\n"; }
  { std::ofstream(templates / "README.md") << "nginx templates\n"; }
  const auto before = test::snapshot(templates);
  const auto scenario = work / "nginx.toml";
  { std::ofstream(scenario) << "[scenario]\nname = \"nginx\"\n\n[[identity]]\nname = \"valid\"\n\n"
                               "[[case]]\nidentity = \"valid\"\n"; }
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"pki", scenario.string(), "--fixtures", "fixtures"},
        {"pki", scenario.string(), "--fixtures", "fixtures", "--force"},
        {"run", scenario.string(), "--fixtures", "fixtures", "--reports", "reports", "--no-color"}}) {
    auto r = test::run_harness(args, work);
    INFO(args[0] << (args.size() > 4 ? " " + args[4] : "") << ": " << r.output);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains("fixtures directory fixtures/nginx exists and is not a "
                                         "fixture set the harness generated"));
    CHECK_THAT(r.output, Catch::Contains("[scenario] name = \"nginx-gate\""));
    CHECK(test::snapshot(templates) == before);  // no CA, no key, nothing removed
  }
  CHECK_FALSE(fs::exists(work / "reports"));

  // A set the harness made under that name, in a root without templates, is fine.
  auto ok = test::run_harness({"pki", scenario.string(), "--fixtures", "generated"}, work);
  INFO(ok.output);
  CHECK(ok.exit_code == 0);
  CHECK(fs::exists(work / "generated" / "nginx" / "fixtures.state.json"));
}
