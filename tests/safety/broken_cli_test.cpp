// Every broken scenario of tests/scenario/broken/ through the real binary: `validate` and
// `run` both end with exit code 2, every diagnostic located as file:line:col, the count,
// and "nothing was run" — no crash, no report, no fixtures.
#include <catch2/catch.hpp>

#include <iostream>
#include <regex>

#include "safety_support.hpp"

using namespace mtls;
namespace fs = std::filesystem;

TEST_CASE("each broken scenario gives exit 2 and located diagnostics through the CLI") {
  const fs::path broken = test::source_root() / "tests" / "scenario" / "broken";
  auto work = test::scratch("safety-broken-cli");
  int tried = 0;
  for (const auto& rel : test::files_below(broken)) {
    const std::string file = (broken / rel).string();
    for (const char* cmd : {"validate", "run"}) {
      std::vector<std::string> args{cmd, file};
      if (std::string(cmd) == "run")
        args.insert(args.end(), {"--reports", "reports", "--fixtures", "fixtures"});
      auto r = test::run_harness(args, work);
      INFO(cmd << " " << rel << ":\n" << r.output);
      CHECK(r.exit_code == 2);
      // The first line is a diagnostic that says where: "<file>:<line>:<col>: ".
      REQUIRE(r.output.rfind(file + ":", 0) == 0);
      CHECK(std::regex_search(r.output.substr(file.size() + 1), std::regex("^[0-9]+:[0-9]+: ")));
      CHECK_THAT(r.output, Catch::Contains("; nothing was run"));
    }
    ++tried;
  }
  CHECK(tried >= 40);
  CHECK_FALSE(fs::exists(work / "reports"));
  CHECK_FALSE(fs::exists(work / "fixtures"));
  std::cout << "broken scenarios tried through the CLI: " << tried << "\n";
}
