// What a test needs from the machine and cannot bring with it: a gateway's Debian package, a
// JDK tool. A test that finds one missing does not pass: it prints why, and its program exits
// 77, meson's "skipped" (tests/catch_main.cpp), once every other test in it has run; a failure
// anywhere still fails the program. (tests/report/chromium_test.cpp and
// tests/safety/reports_mount_test.cpp hold one need each and exit 77 themselves.)
#pragma once

#include <string>
#include <string_view>

namespace mtls::test {

// Meson's exit code for a test that could not run.
inline constexpr int kSkipExit = 77;

// True when `what` ("nginx", "haproxy", "apache", "caddy" or "keytool") is installed, looked
// for the way the harness looks for a gateway: PATH, then /usr/sbin and /sbin. When it is
// missing, prints
//   SKIP: <what> not found (<binary> in PATH, ...); install the Debian package <pkg> (ci/setup does)
// records the current test as skipped, and returns false; the caller ends its test or section:
//   if (!test::installed("nginx")) return;
// In a loop of sections, `continue` instead: Catch finds a section only when the code reaches
// it, so a return would keep the sections after it from running, unseen.
// MTLS_TEST_MISSING=nginx,caddy (comma-separated) makes those count as missing, to see the
// skip path on a machine that has them. An unknown name fails the test.
bool installed(std::string_view what);

// Every reason recorded so far, each after "SKIP: " and followed by the tests it kept from
// running; empty when nothing was skipped.
std::string skip_summary();

}  // namespace mtls::test
