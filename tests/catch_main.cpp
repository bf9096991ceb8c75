// Catch2's main, compiled once for every test executable. A test that found something it needs
// missing (tests/prerequisites.hpp) makes the program exit 77, meson's "skipped", after every
// other test has run and passed; any failure wins over a skip.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <iostream>

#include "prerequisites.hpp"

int main(int argc, char* argv[]) {
  const int failed = Catch::Session().run(argc, argv);
  // Catch returns the number of failed assertions: 77 of them must not read as a skip.
  if (failed != 0) return failed == mtls::test::kSkipExit ? 1 : failed;
  const std::string skipped = mtls::test::skip_summary();
  if (skipped.empty()) return 0;
  std::cout << "\nSome tests could not run here and were skipped:\n" << skipped;
  return mtls::test::kSkipExit;
}
