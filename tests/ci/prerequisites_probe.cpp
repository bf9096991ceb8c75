// A test program for tests/ci/skips_test.py: what tests/prerequisites.hpp and tests/catch_main.cpp
// do when something a test needs is missing. Each test prints what it got to run.
#include <catch2/catch.hpp>
#include <iostream>
#include <string>

#include "prerequisites.hpp"

using namespace mtls;

TEST_CASE("needs nginx", "[probe]") {
  if (!test::installed("nginx")) return;
  std::cout << "ran: needs nginx\n";
}

TEST_CASE("needs nothing", "[probe]") { std::cout << "ran: needs nothing\n"; }

// One section per target, as tests/gateways loops over gateways. `continue`, not `return`: Catch
// finds a section only when the code reaches it, so a return would hide the later ones.
TEST_CASE("one section needs haproxy", "[probe]") {
  for (const char* kind : {"haproxy", "embedded"}) {
    SECTION(kind) {
      if (std::string(kind) == "haproxy" && !test::installed(kind)) continue;
      std::cout << "ran: section " << kind << "\n";
    }
  }
}

TEST_CASE("needs keytool", "[.keytool]") {
  if (!test::installed("keytool")) return;
  std::cout << "ran: needs keytool\n";
}

TEST_CASE("fails", "[.fails]") { CHECK(1 + 1 == 3); }

TEST_CASE("needs something unknown", "[.unknown]") { test::installed("gopher-server"); }
