// Stable regeneration: the CA survives while [pki] is unchanged; leaves and CRLs do not.
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <vector>

#include "common/files.hpp"
#include "pki/ca.hpp"
#include "pki/reuse.hpp"
#include "pki/verify.hpp"
#include "support.hpp"

namespace mtls::pki::test {
namespace {

namespace fs = std::filesystem;
using scenario::Fault;
using scenario::KeyType;

scenario::Scenario small_scenario() {
  scenario::Scenario s;
  s.name = "regen";
  s.identities = {identity("valid", Fault::none), identity("revoked", Fault::revoked),
                  identity("too-deep", Fault::too_deep)};
  return s;
}

std::string root_pem(const Fixtures& f) { return common::read_file(f.dir / "ca/root.crt.pem"); }

Fixtures run(const scenario::Scenario& s, const fs::path& root, bool force = false) {
  Options o;
  o.fixtures_root = root;
  o.force = force;
  return materialize(s, o);
}

void expect_verdicts(const Fixtures& f) {
  for (const auto& id : f.identities) {
    INFO(id.name);
    CHECK(verify_client(f, id.cert, id.chain).error == id.expected_verify_error);
  }
}

}  // namespace

TEST_CASE("an unchanged scenario reuses every file; a changed identity renews leaves, not CAs",
          "[pki][regen]") {
  TempDir dir("regen");
  auto s = small_scenario();
  const auto first = run(s, dir.path());
  CHECK_FALSE(first.ca_reused);
  const std::string root = root_pem(first);
  const std::string sub = common::read_file(first.dir / "ca/sub-ca-2.crt.pem");
  const std::string leaf = common::read_file(first.find("valid")->cert);

  const auto unchanged = run(s, dir.path());
  CHECK(unchanged.ca_reused);
  CHECK(common::read_file(unchanged.find("valid")->cert) == leaf);
  CHECK(unchanged.identities.size() == first.identities.size());
  expect_verdicts(unchanged);

  s.identities.front().organizational_unit = "renamed";  // an identity changed
  const auto second = run(s, dir.path());
  CHECK(second.ca_reused);
  CHECK(root_pem(second) == root);
  CHECK(common::read_file(second.dir / "ca/sub-ca-2.crt.pem") == sub);
  CHECK(common::read_file(second.find("valid")->cert) != leaf);
  expect_verdicts(second);  // the new revoked serial is in the new CRL

  const auto m = nlohmann::json::parse(common::read_file(second.manifest));
  CHECK(m["ca_reused"] == true);
  CHECK(m["pki_hash"] == pki_hash(s.pki));

  SECTION("--force regenerates the CAs") {
    const auto forced = run(s, dir.path(), true);
    CHECK_FALSE(forced.ca_reused);
    CHECK(root_pem(forced) != root);
    expect_verdicts(forced);
  }
  SECTION("a different key_type regenerates the CAs") {
    s.pki.key_type = KeyType::ec_p384;
    const auto changed = run(s, dir.path());
    CHECK_FALSE(changed.ca_reused);
    CHECK(root_pem(changed) != root);
    CHECK(common::read_file(changed.dir / "ca/pki.sha256") == pki_hash(s.pki) + "\n");
    expect_verdicts(changed);
  }
  SECTION("a different verify_depth regenerates the CAs and the deep chain") {
    s.pki.verify_depth = 3;
    const auto changed = run(s, dir.path());
    CHECK_FALSE(changed.ca_reused);
    CHECK(fs::exists(changed.dir / "ca/sub-ca-3.crt.pem"));
    expect_verdicts(changed);
  }
  SECTION("identity changes alone keep the CAs") {
    s.identities.push_back(identity("late", Fault::expired));
    const auto more = run(s, dir.path());
    CHECK(more.ca_reused);
    CHECK(root_pem(more) == root);
    expect_verdicts(more);
  }
}

TEST_CASE("pki_hash covers exactly the settings that shape the CAs", "[pki][regen]") {
  const scenario::Pki base;
  const std::string h = pki_hash(base);
  auto changed = [&](auto mutate) {
    scenario::Pki p = base;
    mutate(p);
    return pki_hash(p) != h;
  };
  CHECK(changed([](auto& p) { p.key_type = KeyType::rsa_2048; }));
  CHECK(changed([](auto& p) { p.organization = "Other"; }));
  CHECK(changed([](auto& p) { p.ca_validity_days = 100; }));
  CHECK(changed([](auto& p) { p.verify_depth = 4; }));
  CHECK_FALSE(changed([](auto& p) { p.validity_days = 30; }));
  CHECK_FALSE(changed([](auto& p) { p.server_dns = {"gw.example"}; }));
  CHECK_FALSE(changed([](auto& p) { p.p12_password = "secret"; }));
}

TEST_CASE("a brought identity is described from its files, not generated", "[pki][brought]") {
  TempDir dir("brought");
  const auto donor = run(small_scenario(), dir.path());
  const auto* src = donor.find("valid");

  scenario::Scenario s = small_scenario();
  s.name = "brought";
  scenario::Identity team = identity("team-cert", Fault::none);
  team.cert_file = src->cert;
  team.key_file = src->key;
  team.chain_file = src->chain;
  s.identities = {team};
  const auto f = run(s, dir.path());
  const auto* id = f.find("team-cert");
  REQUIRE(id != nullptr);
  CHECK(id->cert == src->cert);
  CHECK(id->chain == src->chain);
  CHECK(id->subject == src->subject);
  CHECK(id->serial == src->serial);
  CHECK(id->not_after == src->not_after);
  CHECK(id->key_matches_cert);
  CHECK(id->p12.empty());
  CHECK_FALSE(fs::exists(f.dir / "clients/team-cert"));
}

TEST_CASE("contradictory input is refused before anything is written", "[pki][errors]") {
  TempDir dir("errors");
  struct Row {
    const char* what;
    void (*mutate)(scenario::Scenario&);
    const char* message;
  };
  const auto row = GENERATE(values<Row>({
      {"expired that has not ended", [](auto& s) { s.identities[0].fault = Fault::expired; },
       "not_after_days < 0"},
      {"not-yet-valid that has started",
       [](auto& s) { s.identities[0].fault = Fault::not_yet_valid; }, "not_before_days > 0"},
      {"valid that ended",
       [](auto& s) {
         s.identities[0].not_before_days = -10;
         s.identities[0].not_after_days = -2;
       },
       "must include today"},
      {"depth 0", [](auto& s) { s.pki.verify_depth = 0; }, "verify_depth"},
      {"name with a slash", [](auto& s) { s.identities[0].name = "../x"; }, "directory name"},
  }));
  INFO(row.what);
  auto s = small_scenario();
  row.mutate(s);
  CHECK_THROWS_WITH(run(s, dir.path()), Catch::Contains(row.message));
  CHECK_FALSE(fs::exists(dir.path() / s.name));
}

TEST_CASE("reuse stops when a file is missing or the set is older than its windows allow",
          "[pki][regen]") {
  TempDir dir("regen-stale");
  auto s = small_scenario();
  const auto first = run(s, dir.path());
  const std::string leaf = common::read_file(first.find("valid")->cert);

  SECTION("a deleted file") {
    fs::remove(first.find("revoked")->p12);
    const auto again = run(s, dir.path());
    CHECK(fs::exists(again.find("revoked")->p12));
    CHECK(common::read_file(again.find("valid")->cert) != leaf);
  }
  SECTION("older than kMaxReuseAgeSeconds") {
    auto state_path = first.dir / "fixtures.state.json";
    auto state = nlohmann::json::parse(common::read_file(state_path));
    state["generated_at_epoch"] = state["generated_at_epoch"].get<std::int64_t>() - kMaxReuseAgeSeconds - 1;
    common::write_file_atomic(state_path, state.dump());
    const auto again = run(s, dir.path());
    CHECK(again.ca_reused);
    CHECK(common::read_file(again.find("valid")->cert) != leaf);
    expect_verdicts(again);
  }
}

}  // namespace mtls::pki::test

namespace mtls::pki::test {

TEST_CASE("a set whose files do not match its state is regenerated whole, CAs included",
          "[pki][regen][torn]") {
  // What an interrupted or concurrent generation used to leave: files of two generations
  // beside one state file. Reusing it made the revoked case fail (or pass) on the wrong error.
  struct Row {
    const char* what;
    void (*tear)(const Fixtures& set, const Fixtures& other);
  };
  const auto row = GENERATE(values<Row>({
      {"a revoked leaf overwritten by another identity's",
       [](const Fixtures& f, const Fixtures&) {
         fs::copy_file(f.find("valid")->cert, f.find("revoked")->cert,
                       fs::copy_options::overwrite_existing);
       }},
      {"the CRLs of another generation",
       [](const Fixtures& f, const Fixtures& o) {
         fs::copy_file(o.crl_bundle, f.crl_bundle, fs::copy_options::overwrite_existing);
       }},
      {"the intermediate CA of another generation",
       [](const Fixtures& f, const Fixtures& o) {
         for (const char* name : {"ca/intermediate.crt.pem", "ca/intermediate.key.pem"})
           fs::copy_file(o.dir / name, f.dir / name, fs::copy_options::overwrite_existing);
       }},
      {"a file left over by an interrupted write",
       [](const Fixtures& f, const Fixtures&) {
         common::write_file_atomic(f.dir / "clients/valid/cert.pem.tmp.4242", "half a PEM");
       }},
  }));
  INFO(row.what);
  TempDir dir("regen-torn");
  auto s = small_scenario();
  const auto first = run(s, dir.path());
  auto o = small_scenario();
  o.name = "other-generation";
  const auto other = run(o, dir.path());
  const std::string root = root_pem(first);
  const std::string leaf = common::read_file(first.find("valid")->cert);
  REQUIRE(matches_state(first.dir));

  row.tear(first, other);
  CHECK_FALSE(matches_state(first.dir));
  const auto again = run(s, dir.path());
  CHECK_FALSE(again.ca_reused);
  CHECK(root_pem(again) != root);
  CHECK(common::read_file(again.find("valid")->cert) != leaf);
  CHECK_FALSE(fs::exists(again.dir / "clients/valid/cert.pem.tmp.4242"));
  CHECK(matches_state(again.dir));
  expect_verdicts(again);  // the revoked identity is refused for being revoked
}

TEST_CASE("a new set is built beside the old one and swapped in; leftovers are removed",
          "[pki][regen][staging]") {
  TempDir dir("regen-staging");
  auto s = small_scenario();
  const auto first = run(s, dir.path());
  // What a run killed (SIGKILL) mid-generation leaves: its staging directory.
  const auto leftover = dir.path() / ".regen.staging-999999";
  fs::create_directories(leftover / "clients/valid");
  common::write_file_atomic(leftover / "clients/valid/key.pem", "old");

  const auto forced = run(s, dir.path(), true);
  CHECK(forced.dir == dir.path() / "regen");
  CHECK_FALSE(fs::exists(leftover));
  std::vector<std::string> beside;
  for (const auto& e : fs::directory_iterator(dir.path())) beside.push_back(e.path().filename());
  std::sort(beside.begin(), beside.end());
  CHECK(beside == std::vector<std::string>{".regen.lock", "regen"});
  // Every path handed back points into the final directory, none into the staging one.
  for (const auto& id : forced.identities) {
    INFO(id.name);
    CHECK(id.cert.parent_path() == forced.dir / "clients" / id.name);
    CHECK(fs::exists(id.key));
  }
  CHECK(forced.crl_bundle == forced.dir / "crl/crl-bundle.pem");
  const auto state = nlohmann::json::parse(common::read_file(forced.dir / "fixtures.state.json"));
  CHECK_THAT(state.dump(), !Catch::Contains(".regen.staging-"));
  CHECK(state["files"].contains("clients/revoked/key.pem"));
  expect_verdicts(forced);
}

}  // namespace mtls::pki::test
