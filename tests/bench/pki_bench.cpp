// Wall time to materialize a quickstart-sized fixture PKI (the identities of
// scenarios/quickstart.toml, built in code) per CA key type, on the three paths a run can
// take: regenerate everything (--force), renew the leaves under kept CAs (an identity
// changed), and reuse the whole set (nothing changed). Prints medians.
// Run: meson test -C <builddir> --benchmark --suite pki -v   (MTLS_BENCH_RUNS=n to change)
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fmt/core.h>
#include <functional>
#include <vector>

#include "pki/fixtures.hpp"
#include "support.hpp"

namespace {

using namespace mtls;
using Clock = std::chrono::steady_clock;

struct Stats {
  double median_ms = 0, min_ms = 0, max_ms = 0;
};

// `prepare` runs before each timed call (outside the timing) to pick the path.
Stats time_runs(int runs, std::function<void(scenario::Scenario&, pki::Options&)> prepare,
                scenario::Scenario s, pki::Options opts) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    prepare(s, opts);
    const auto start = Clock::now();
    pki::materialize(s, opts);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms.front(), ms.back()};
}

std::string cell(const Stats& st) {
  return fmt::format("{:.1f} ms ({:.1f}..{:.1f})", st.median_ms, st.min_ms, st.max_ms);
}

}  // namespace

int main() {
  const char* env_runs = std::getenv("MTLS_BENCH_RUNS");
  const int runs = std::max(1, env_runs ? std::atoi(env_runs) : 5);
  pki::test::TempDir dir("bench");
  fmt::print("materialize: quickstart identities, median (min..max) of {} runs\n", runs);
  fmt::print("{:<10} {:>4} {:>30} {:>30} {:>26}\n", "key type", "ids", "regenerate all (--force)",
             "renew leaves (CA kept)", "reuse all (unchanged)");
  // The quickstart mixes key types (an RSA-2048, an Ed25519 and the RSA-1024 weak-key
  // identity); the last row drops the RSA ones to show what EC alone costs.
  struct Variant {
    std::string label;
    scenario::Scenario s;
  };
  auto ec_only = pki::test::quickstart_like(scenario::KeyType::ec_p256);
  ec_only.name += "-ec-only";
  std::erase_if(ec_only.identities, [](const scenario::Identity& i) {
    return i.fault == scenario::Fault::weak_key || i.key_type == scenario::KeyType::rsa_2048;
  });
  const Variant variants[] = {
      {"ec-p256", pki::test::quickstart_like(scenario::KeyType::ec_p256)},
      {"rsa-2048", pki::test::quickstart_like(scenario::KeyType::rsa_2048)},
      {"ec, no RSA", ec_only},
  };
  for (const auto& [label, s] : variants) {
    pki::Options opts;
    opts.fixtures_root = dir.path();
    int generation = 0;
    const Stats forced = time_runs(
        runs, [](auto&, auto& o) { o.force = true; }, s, opts);
    const Stats renewed = time_runs(
        runs,
        [&generation](auto& sc, auto& o) {
          o.force = false;
          sc.identities.front().organizational_unit = "bench-" + std::to_string(++generation);
        },
        s, opts);
    pki::materialize(s, opts);  // settle on the unchanged scenario
    const Stats reused = time_runs(
        runs, [](auto&, auto& o) { o.force = false; }, s, opts);
    fmt::print("{:<10} {:>4} {:>30} {:>30} {:>26}\n", label, s.identities.size(),
               cell(forced), cell(renewed), cell(reused));
  }
  fmt::print("rerun: meson test -C <builddir> --benchmark --suite pki -v\n");
  return 0;
}
