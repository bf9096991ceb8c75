// The command line's narrowing of a scenario (`run --target --tls --case --phase --duration
// --connections --rate`): what each override does, and the usage error for each bad value.
#include <catch2/catch.hpp>

#include "paths.hpp"
#include "scenario/loader.hpp"
#include "scenario/overrides.hpp"

using namespace mtls::scenario;

namespace {

constexpr std::string_view kScenario = R"(
[[identity]]
name = "valid"

[[case]]
name = "valid-accepted"
identity = "valid"
expect = "accept"

[[case]]
name = "missing-refused"
identity = "none"
expect = "reject"

[[load]]
name = "full"
connections = 10
duration_s = 5
warmup_s = 1

[[load]]
name = "resumed"
rate = 100
duration_s = 5
)";

Scenario loaded() {
  auto r = load_text(kScenario, test::test_dir() / "overrides.toml");
  for (const auto& d : r.diagnostics) UNSCOPED_INFO(d.to_string());
  REQUIRE(r.ok());
  return r.scenario;
}

// One override set, the others left as the command line leaves them (unset).
template <class Set>
Overrides with(Set set) {
  Overrides o;
  set(o);
  return o;
}

}  // namespace

TEST_CASE("each bad override is a usage error that names the option and what to write", "[overrides]") {
  struct Row {
    const char* what;
    Overrides o;
    const char* error;
  };
  auto row = GENERATE(
      Row{"unknown kind", with([](Overrides& o) { o.target = "iis"; }), "--target: 'iis' is not one of embedded"},
      Row{"a URL without a host", with([](Overrides& o) { o.target = "https://:8443/"; }), "(expected https://host[:port][/path])"},
      Row{"a TLS version", with([](Overrides& o) { o.tls = {"1.1"}; }), "--tls: '1.1' is not 1.2 or 1.3"},
      Row{"no case matches", with([](Overrides& o) { o.cases = {"nope*"}; }), "cases are: valid-accepted missing-refused"},
      Row{"no phase matches", with([](Overrides& o) { o.phases = {"nope"}; }), "phases are: full resumed"},
      Row{"both loop shapes", with([](Overrides& o) { o.connections = 5; o.rate = 10.0; }), "exclude each other"},
      Row{"nothing left to measure", with([](Overrides& o) { o.duration_s = 0.5; }), "phase 'full' ramps up for 0 s and warms up for 1 s"});
  INFO(row.what);
  auto s = loaded();
  const auto problem = apply(row.o, s);
  REQUIRE(problem);
  CHECK_THAT(*problem, Catch::Contains(row.error));
}

TEST_CASE("overrides narrow and reshape the scenario", "[overrides]") {
  SECTION("an https URL makes the target external, its host the server name") {
    auto s = loaded();
    REQUIRE_FALSE(apply(with([](Overrides& o) { o.target = "https://gw.internal:9443/api"; }), s));
    CHECK(s.target.kind == TargetKind::external);
    CHECK(s.target.url == "https://gw.internal:9443/api");
    CHECK(s.target.server_name == "gw.internal");
  }
  SECTION("a launched kind reads refusals with its own profile") {
    auto s = loaded();
    REQUIRE_FALSE(apply(with([](Overrides& o) { o.target = "haproxy"; }), s));
    CHECK(s.target.kind == TargetKind::haproxy);
    CHECK(s.target.profile == "haproxy");
  }
  SECTION("--tls keeps only the versions named, in every case") {
    auto s = loaded();
    REQUIRE_FALSE(apply(with([](Overrides& o) { o.tls = {"1.2"}; }), s));
    for (const auto& c : s.cases) CHECK(c.tls_versions == std::vector{TlsVersion::tls1_2});
  }
  SECTION("--case and --phase keep what their globs match") {
    auto s = loaded();
    REQUIRE_FALSE(apply(with([](Overrides& o) { o.cases = {"*refused"}; o.phases = {"res*"}; }), s));
    REQUIRE(s.cases.size() == 1);
    CHECK(s.cases[0].name == "missing-refused");
    REQUIRE(s.load.size() == 1);
    CHECK(s.load[0].name == "resumed");
  }
  SECTION("--duration and --connections apply to every selected phase, open loop turned closed") {
    auto s = loaded();
    REQUIRE_FALSE(apply(with([](Overrides& o) { o.duration_s = 2.0; o.connections = 3; }), s));
    for (const auto& p : s.load) {
      CHECK(p.duration_s == 2.0);
      CHECK(p.connections == 3);
      CHECK(p.rate == 0);
    }
  }
  SECTION("--rate turns every phase open loop") {
    auto s = loaded();
    REQUIRE_FALSE(apply(with([](Overrides& o) { o.rate = 50.0; }), s));
    for (const auto& p : s.load) {
      CHECK(p.rate == 50.0);
      CHECK(p.connections == 0);
    }
  }
}
