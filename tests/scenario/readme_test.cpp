// scenarios/README.md's complete example is documentation users copy: it must load clean
// and mean what its comments say.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "paths.hpp"
#include "scenario/loader.hpp"

using namespace mtls::scenario;

namespace {

std::string readme_example() {
  std::ifstream in(test::source_root() / "scenarios" / "README.md");
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  auto section = text.find("## A complete annotated example");
  REQUIRE(section != std::string::npos);
  auto begin = text.find("```toml\n", section);
  REQUIRE(begin != std::string::npos);
  begin += 8;
  auto end = text.find("```", begin);
  REQUIRE(end != std::string::npos);
  return text.substr(begin, end - begin);
}

}  // namespace

TEST_CASE("the README's complete example loads and resolves as annotated", "[loader][readme]") {
  auto r = load_text(readme_example(), test::source_root() / "scenarios" / "README-example.toml");
  for (const auto& d : r.diagnostics) UNSCOPED_INFO(d.to_string());
  REQUIRE(r.ok());
  const Scenario& s = r.scenario;
  CHECK(s.name == "payments-gateway");
  CHECK(s.target.kind == TargetKind::nginx);
  CHECK(s.target.nginx_template == "allow-cn");
  CHECK(s.identities.size() == 3);
  CHECK(s.find_identity("orders")->key_type == KeyType::ec_p384);
  CHECK(s.find_identity("expired")->not_before_days == -30);
  REQUIRE(s.cases.size() == 5);
  CHECK(s.cases[1].name == "expired");
  CHECK(s.cases[1].expect.reason == Reason::certificate_expired);
  CHECK(s.cases[1].expect.layer == Layer::http);
  CHECK(s.cases[2].name == "none");
  CHECK(s.cases[4].skip == "policy check on 1.2 tracked in OPS-42");
}
