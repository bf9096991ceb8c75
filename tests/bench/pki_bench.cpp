// Wall time to materialize a quickstart-sized fixture PKI (the identities of
// scenarios/quickstart.toml, built in code) per CA key type: with --force (every key new)
// and on the reuse path (CAs loaded, leaves and CRLs renewed). Prints medians.
// Run: meson test -C <builddir> --benchmark --suite pki -v   (MTLS_BENCH_RUNS=n to change)
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fmt/core.h>
#include <vector>

#include "pki/fixtures.hpp"
#include "support.hpp"

namespace {

using namespace mtls;
using Clock = std::chrono::steady_clock;

struct Stats {
  double median_ms = 0;
  double min_ms = 0;
  double max_ms = 0;
};

Stats time_runs(int runs, const scenario::Scenario& s, const pki::Options& opts) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    const auto f = pki::materialize(s, opts);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    if (f.ca_reused == opts.force) throw std::runtime_error("reuse path not taken as intended");
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms.front(), ms.back()};
}

}  // namespace

int main() {
  const char* env_runs = std::getenv("MTLS_BENCH_RUNS");
  const int runs = std::max(1, env_runs ? std::atoi(env_runs) : 5);
  pki::test::TempDir dir("bench");
  fmt::print("materialize: quickstart identities, median (min..max) of {} runs\n", runs);
  fmt::print("{:<10} {:>11} {:>28} {:>28}\n", "key type", "identities", "regenerate (--force)",
             "reuse CA");
  for (auto key : {scenario::KeyType::ec_p256, scenario::KeyType::rsa_2048}) {
    const auto s = pki::test::quickstart_like(key);
    pki::Options opts;
    opts.fixtures_root = dir.path();
    opts.force = true;
    const Stats forced = time_runs(runs, s, opts);
    opts.force = false;
    const Stats reused = time_runs(runs, s, opts);
    auto cell = [](const Stats& st) {
      return fmt::format("{:.1f} ms ({:.1f}..{:.1f})", st.median_ms, st.min_ms, st.max_ms);
    };
    fmt::print("{:<10} {:>11} {:>28} {:>28}\n", scenario::to_string(key), s.identities.size(),
               cell(forced), cell(reused));
  }
  return 0;
}
