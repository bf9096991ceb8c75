// What the gateway tests share: the CLI runner of tests/run, and whether a gateway's Debian
// package is installed (a missing one is reported and its section skipped, not failed).
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <unistd.h>

#include "../run/run_cli.hpp"

namespace mtls::test {

struct Package {
  const char* kind;
  const char* binary;
  const char* package;
};

inline constexpr Package kPackages[] = {
    {"nginx", "/usr/sbin/nginx", "nginx"},
    {"haproxy", "/usr/sbin/haproxy", "haproxy"},
    {"apache", "/usr/sbin/apache2", "apache2"},
    {"caddy", "/usr/bin/caddy", "caddy"},
};

inline bool installed(const std::string& kind) {
  for (const auto& p : kPackages) {
    if (kind != p.kind) continue;
    if (::access(p.binary, X_OK) == 0) return true;
    WARN(kind << " tests skipped: " << p.binary << " not found; install the Debian package "
              << p.package << " (ci/setup does)");
    return false;
  }
  FAIL("no package known for gateway kind " << kind);
  return false;
}

}  // namespace mtls::test
