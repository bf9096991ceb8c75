#include "prerequisites.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <unistd.h>
#include <utility>
#include <vector>

namespace mtls::test {
namespace {

namespace fs = std::filesystem;

struct Prerequisite {
  std::string_view name;
  std::vector<std::string_view> binaries;  // any one of them will do
  std::string_view package;                // Debian's
  bool from_setup;                         // ci/setup installs it
};

const std::vector<Prerequisite>& prerequisites() {
  static const std::vector<Prerequisite> table = {
      {"nginx", {"nginx"}, "nginx", true},
      {"haproxy", {"haproxy"}, "haproxy", true},
      {"apache", {"apache2"}, "apache2", true},
      {"caddy", {"caddy"}, "caddy", true},
      {"keytool", {"keytool"}, "default-jre-headless", false},
  };
  return table;
}

std::vector<std::string> split(std::string_view list, char sep) {
  std::vector<std::string> parts;
  std::istringstream in{std::string(list)};
  for (std::string part; std::getline(in, part, sep);)
    if (!part.empty()) parts.push_back(part);
  return parts;
}

// The harness's own search for a gateway (target/launch_tool.cpp): a normal user's PATH often
// lacks the sbin directories Debian installs gateways in.
std::vector<fs::path> search_dirs() {
  std::vector<fs::path> dirs;
  const char* path = std::getenv("PATH");
  for (const auto& d : split(path ? path : "", ':')) dirs.emplace_back(d);
  dirs.insert(dirs.end(), {"/usr/sbin", "/sbin"});
  return dirs;
}

bool found(std::string_view binary) {
  for (const auto& dir : search_dirs()) {
    const auto p = dir / binary;
    std::error_code ec;
    if (fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0) return true;
  }
  return false;
}

// MTLS_TEST_MISSING, when it names `what`.
std::string hidden_by_env(std::string_view what) {
  const char* list = std::getenv("MTLS_TEST_MISSING");
  if (list == nullptr) return "";
  for (const auto& name : split(list, ','))
    if (name == what) return std::string("MTLS_TEST_MISSING=") + list + " hides it";
  return "";
}

std::string missing_reason(const Prerequisite& p) {
  std::string where = hidden_by_env(p.name);
  if (where.empty()) {
    for (const auto& b : p.binaries) {
      if (found(b)) return "";
      where += (where.empty() ? "" : " or ") + std::string(b);
    }
    where += " in PATH, /usr/sbin, /sbin";
  }
  std::string reason = std::string(p.name) + " not found (" + where +
                       "); install the Debian package " + std::string(p.package);
  if (p.from_setup) reason += " (ci/setup does)";
  return reason;
}

// Each reason with the tests it kept from running, in the order first seen.
std::vector<std::pair<std::string, std::vector<std::string>>>& recorded() {
  static std::vector<std::pair<std::string, std::vector<std::string>>> skips;
  return skips;
}

void record(const std::string& reason) {
  const std::string test = Catch::getResultCapture().getCurrentTestName();
  std::cout << "SKIP: " << reason << "\n  not run: " << test << std::endl;
  auto& skips = recorded();
  for (auto& [r, tests] : skips)
    if (r == reason) {
      tests.push_back(test);
      return;
    }
  skips.push_back({reason, {test}});
}

}  // namespace

bool installed(std::string_view what) {
  for (const auto& p : prerequisites()) {
    if (p.name != what) continue;
    const auto reason = missing_reason(p);
    if (reason.empty()) return true;
    record(reason);
    return false;
  }
  FAIL("no prerequisite known as \"" << what
                                     << "\": add it to the table in tests/prerequisites.cpp");
  return false;
}

std::string skip_summary() {
  std::ostringstream out;
  for (const auto& [reason, tests] : recorded()) {
    out << "SKIP: " << reason << "\n";
    for (const auto& t : tests) out << "  not run: " << t << "\n";
  }
  return out.str();
}

}  // namespace mtls::test
