// Load benchmark (numbers, not a timed test): the harness engine vs `openssl s_time` vs `ab`
// against one nginx worker pinned to its own core, same client certificate, in one run:
// full and resumed handshakes, TLS 1.2 and 1.3, ECDSA P-256 and RSA-2048; two floors, the
// crypto operations from `openssl speed` and the library's own (tls_floor.hpp: an OpenSSL
// client and server over a BIO pair, client CPU only); engine scaling from 1 to 2 threads;
// an identity from a PKI the harness did not make against a fixture one; RSS per held-open
// mTLS connection. Run it through ci/bench-load.
// The machine may be shared: every row is measured BENCH_ROUNDS times with the tools taking
// turns (engine, s_time, ab, engine, ...), and the median round of each tool is printed, so
// a slow moment of the machine does not fall on one tool only.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <regex>
#include <sched.h>
#include <unistd.h>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "common/files.hpp"
#include "load/engine.hpp"
#include "load_bench_tools.hpp"
#include "measure/cpu.hpp"
#include "tls_floor.hpp"
#include "report/phase_text.hpp"

namespace fs = std::filesystem;
using namespace mtls;

namespace {

struct Settings {
  double seconds = 3;       // per measurement
  int rounds = 3;           // measurements per tool and row; the median is printed
  int server_cpu = 0;
  int client_cpu = 1;
  int engine_connections = 32;
  int hold = 10000;         // connections held open for the memory figure; 0: skip
  fs::path dir;
};

struct Row {
  std::string key, tls, mode, tool;
  double hs_per_s = 0, client_us = 0, server_us = 0;
  std::string note;
};

// `brought`: also an identity from a PKI the harness did not make (files, not generated).
scenario::Scenario bench_scenario(scenario::KeyType key, const bench::BroughtPki* brought) {
  scenario::Scenario s;
  s.name = key == scenario::KeyType::ec_p256 ? "bench-ecdsa" : "bench-rsa";
  s.pki.key_type = key;
  scenario::Identity id;
  id.name = "client";
  id.key_type = key;
  id.common_name = "bench-client";
  s.identities = {id};
  if (brought) {
    scenario::Identity b;
    b.name = "brought";
    b.cert_file = brought->cert;
    b.key_file = brought->key;
    b.chain_file = brought->chain;
    s.identities.push_back(b);
  }
  return s;
}

// The fixtures with a trust bundle that holds the brought PKI's root as well: what the
// benchmark's nginx verifies clients with.
pki::Fixtures trusting(const pki::Fixtures& f, const bench::BroughtPki& brought, const fs::path& dir) {
  pki::Fixtures out = f;
  out.ca_bundle = dir / "client-ca-with-brought.pem";
  std::ofstream bundle(out.ca_bundle);
  bundle << common::read_file(f.ca_bundle) << common::read_file(brought.root);
  return out;
}

// Client worker threads may use every core for the scaling row (the benchmark otherwise
// keeps them on the client core); threads inherit the creating thread's mask.
class AllCores {
 public:
  AllCores() {
    sched_getaffinity(0, sizeof saved_, &saved_);
    cpu_set_t all;
    CPU_ZERO(&all);
    for (long c = 0; c < sysconf(_SC_NPROCESSORS_ONLN) && c < CPU_SETSIZE; ++c) CPU_SET(static_cast<int>(c), &all);
    sched_setaffinity(0, sizeof all, &all);
  }
  ~AllCores() { sched_setaffinity(0, sizeof saved_, &saved_); }
  AllCores(const AllCores&) = delete;
  AllCores& operator=(const AllCores&) = delete;

 private:
  cpu_set_t saved_{};
};

target::Endpoint endpoint(const bench::Nginx& n, const pki::Fixtures& f) {
  target::Endpoint ep;
  ep.port = n.port;
  ep.trust = f.server_trust;
  return ep;
}

double tree_cpu(pid_t pid) { return measure::process_tree_cpu_us(pid).value_or(0); }

Row run_engine(const Settings& st, const scenario::Scenario& s, const pki::Fixtures& f,
               const bench::Nginx& n, scenario::TlsVersion v, bool resumed, int threads = 1,
               const std::string& identity = "") {
  scenario::LoadPhase p;
  p.name = "bench";
  p.connections = st.engine_connections;
  p.duration_s = st.seconds;
  p.threads = threads;
  p.tls_version = v;
  if (!identity.empty()) p.identities = {{identity, 1.0}};
  if (resumed)
    p.resumption = v == scenario::TlsVersion::tls1_3 ? scenario::Resumption::psk
                                                      : scenario::Resumption::ticket;
  load::PhaseOptions o;
  o.target_pid = n.master;
  o.progress_to_stderr = false;
  o.cache_server_verification = std::getenv("BENCH_NO_VERIFY_CACHE") == nullptr;
  o.cache_peer_certificates = std::getenv("BENCH_NO_CERT_CACHE") == nullptr;
  o.cache_fetched_methods = std::getenv("BENCH_NO_FETCH_CACHE") == nullptr;
  o.per_thread_library_context = std::getenv("BENCH_PER_THREAD_LIBCTX") != nullptr;
  const auto r = load::run_phase(p, s, f, endpoint(n, f), o);
  if (std::getenv("BENCH_ENGINE_ONLY")) report::print_summary(std::cerr, r);
  Row row;
  row.tool = "engine";
  row.hs_per_s = r.handshakes_per_s();
  row.client_us = r.cpu.client_us_per_handshake.value_or(0);
  row.server_us = r.cpu.target_us_per_handshake.value_or(0);
  if (r.errors.total() > 0) row.note = fmt::format("{} errors", r.errors.total());
  if (resumed)
    row.note += fmt::format("{}resumed {:.0f}%", row.note.empty() ? "" : ", ",
                            100.0 * static_cast<double>(r.counts.handshakes_resumed) /
                                std::max<double>(1, static_cast<double>(r.counts.handshakes_ok())));
  return row;
}

Row run_library_floor(const Settings& st, const scenario::Scenario& s, const pki::Fixtures& f,
                      scenario::TlsVersion v, bool resumed) {
  const auto fl = bench::measure_tls_floor(s, f, v, resumed, st.seconds);
  Row row;
  row.tool = "library floor";
  row.hs_per_s = fl.hs_per_s;
  row.client_us = fl.client_us;
  if (resumed)
    row.note = fmt::format("resumed {:.0f}%", 100.0 * static_cast<double>(fl.resumed) /
                                                  std::max<double>(1, static_cast<double>(fl.handshakes)));
  return row;
}

Row run_s_time(const Settings& st, const pki::Fixtures& f, const bench::Nginx& n,
               scenario::TlsVersion v, bool resumed) {
  const auto& id = f.identities.front();
  const double before = tree_cpu(n.master);
  const auto secs = std::to_string(static_cast<int>(st.seconds + 0.5));
  auto t = bench::run_tool(
      {"taskset", "-c", std::to_string(st.client_cpu), "openssl", "s_time", "-connect",
       fmt::format("127.0.0.1:{}", n.port), resumed ? "-reuse" : "-new", "-time", secs, "-cert",
       id.cert.string(), "-key", id.key.string(), "-CAfile", f.server_trust.string(),
       v == scenario::TlsVersion::tls1_3 ? "-tls1_3" : "-tls1_2", "-www", "/"},
      st.dir, st.seconds + 20);
  const double server = tree_cpu(n.master) - before;
  Row row;
  row.tool = "openssl s_time";
  std::smatch m;
  if (!std::regex_search(t.output, m, std::regex(R"((\d+) connections in ([0-9.]+) real)")))
    return row.note = "no result (exit " + std::to_string(t.exit_status) + ")", row;
  const double conns = std::stod(m[1]);
  row.hs_per_s = conns / std::stod(m[2]);
  row.client_us = t.client_cpu_us / conns;
  row.server_us = server / conns;
  return row;
}

Row run_ab(const Settings& st, const pki::Fixtures& f, const bench::Nginx& n,
           scenario::TlsVersion v) {
  const auto& id = f.identities.front();
  const double before = tree_cpu(n.master);
  auto t = bench::run_tool(
      {"taskset", "-c", std::to_string(st.client_cpu), "ab", "-q", "-t",
       std::to_string(static_cast<int>(st.seconds + 0.5)), "-n", "10000000", "-c", "8", "-f",
       v == scenario::TlsVersion::tls1_3 ? "TLS1.3" : "TLS1.2", "-E", id.bundle.string(),
       fmt::format("https://127.0.0.1:{}/", n.port)},
      st.dir, st.seconds + 20);
  const double server = tree_cpu(n.master) - before;
  Row row;
  row.tool = "ab -c 8";
  std::smatch complete, rps, failed;
  if (!std::regex_search(t.output, complete, std::regex(R"(Complete requests:\s+(\d+))")) ||
      !std::regex_search(t.output, rps, std::regex(R"(Requests per second:\s+([0-9.]+))")))
    return row.note = "no result (exit " + std::to_string(t.exit_status) + ")", row;
  const double conns = std::stod(complete[1]);
  row.hs_per_s = std::stod(rps[1]);
  row.client_us = t.client_cpu_us / conns;
  row.server_us = server / conns;
  if (std::regex_search(t.output, failed, std::regex(R"(Failed requests:\s+(\d+))")) &&
      failed[1] != "0")
    row.note = std::string(failed[1]) + " failed";
  return row;
}

// 10,000 established mTLS connections held open by the engine: RSS growth per connection.
void run_memory(const Settings& st, const scenario::Scenario& s, const pki::Fixtures& f,
                const bench::Nginx& n) {
  scenario::LoadPhase p;
  p.name = "hold";
  p.connections = st.hold;
  p.ramp_up_s = st.hold / 800.0;
  p.duration_s = 90;  // a bound; the phase is stopped once every connection is established
  p.threads = 1;
  load::PhaseOptions o;
  o.hold_connections = true;
  o.timeout = std::chrono::seconds(30);
  o.progress_to_stderr = false;
  std::atomic<bool> stop{false};
  o.stop = &stop;
  long peak_rss = 0, peak_open = 0;
  const long before = measure::resident_bytes();
  // Holding, every connection that ended ok is established and held: sample RSS at the
  // most of those (connections still handshaking or failed are not counted).
  o.on_progress = [&](const load::Progress& pr) {
    const auto established = static_cast<long>(pr.connections - pr.errors);
    if (established > peak_open) {
      peak_open = established;
      peak_rss = measure::resident_bytes();
    }
    if (static_cast<long>(pr.connections) >= st.hold) stop = true;
  };
  const auto r = load::run_phase(p, s, f, endpoint(n, f), o);
  fmt::print("\nmemory: {} mTLS connections held open (ECDSA P-256, TLS 1.3): RSS {:.1f} MiB -> "
             "{:.1f} MiB, {:.1f} KiB per connection ({} errors)\n",
             peak_open, before / 1048576.0, peak_rss / 1048576.0,
             peak_open ? (peak_rss - before) / 1024.0 / static_cast<double>(peak_open) : 0.0,
             r.errors.total());
}

double floor_for(const Row& r, const bench::Floor& fl) {
  return r.key == "ecdsa" ? fl.ecdsa_handshake_us() : fl.rsa_handshake_us();
}

const Row* find_row(const std::vector<Row>& rows, const Row& like, const std::string& tool) {
  for (const auto& r : rows)
    if (r.key == like.key && r.tls == like.tls && r.mode == like.mode && r.tool == tool &&
        r.client_us > 0)
      return &r;
  return nullptr;
}

void print_rows(const std::vector<Row>& rows, const bench::Floor& fl) {
  fmt::print("\n{:<6} {:<4} {:<8} {:<22} {:>10} {:>12} {:>12} {:>9} {:>7}  {}\n", "key", "tls",
             "mode", "tool", "hs/s", "client µs/hs", "server µs/hs", "x speed", "x lib", "note");
  for (const auto& r : rows) {
    const double floor = floor_for(r, fl);
    const std::string ratio =
        r.mode == "full" && r.client_us > 0 ? fmt::format("{:.2f}", r.client_us / floor) : "";
    const Row* lib = find_row(rows, r, "library floor");
    const std::string lib_ratio = lib && r.client_us > 0 ? fmt::format("{:.2f}", r.client_us / lib->client_us) : "";
    fmt::print("{:<6} {:<4} {:<8} {:<22} {:>10.0f} {:>12.0f} {:>12.0f} {:>9} {:>7}  {}\n", r.key,
               r.tls, r.mode, r.tool, r.hs_per_s, r.client_us, r.server_us, ratio, lib_ratio, r.note);
  }
  fmt::print("x speed: client CPU over the openssl speed floor below; x lib: over the library "
             "floor row (an OpenSSL client and server in one thread over a BIO pair, client "
             "CPU only, stock OpenSSL)\n");
  fmt::print("\nfloor (openssl speed, same run): ECDSA P-256 sign {:.1f} µs, verify {:.1f} µs, "
             "X25519 {:.1f} µs -> {:.0f} µs per side of a full mTLS handshake; RSA-2048 sign "
             "{:.1f} µs, verify {:.1f} µs -> {:.0f} µs\n",
             fl.ecdsa_sign_us, fl.ecdsa_verify_us, fl.x25519_us, fl.ecdsa_handshake_us(),
             fl.rsa_sign_us, fl.rsa_verify_us, fl.rsa_handshake_us());
  fmt::print("engine allocator: {} (meson option allocator)\n", MTLS_ALLOCATOR);
}

// The benchmark's goals, row by row, from the medians above: engine client CPU per full handshake
// at most 2x the floor, at least 2x below ab's and 2.5x below openssl s_time's.
void print_goals(const std::vector<Row>& rows, const bench::Floor& fl) {
  const auto find = [&](const Row& like, const std::string& tool) { return find_row(rows, like, tool); };
  const auto mark = [](bool met) { return met ? "met" : "NOT met"; };
  fmt::print("\ngoals (full handshakes, client CPU per handshake):\n");
  for (const auto& e : rows) {
    if (e.tool != "engine" || e.mode != "full" || e.client_us <= 0) continue;
    const double floor = floor_for(e, fl);
    std::string line = fmt::format("  {:<5} {}: engine {:.2f}x floor (<= 2: {})", e.key, e.tls,
                                   e.client_us / floor, mark(e.client_us <= 2 * floor));
    if (const Row* ab = find(e, "ab -c 8"))
      line += fmt::format(", ab {:.2f}x engine (>= 2: {})", ab->client_us / e.client_us,
                          mark(ab->client_us >= 2 * e.client_us));
    if (const Row* st = find(e, "openssl s_time"))
      line += fmt::format(", s_time {:.2f}x engine (>= 2.5: {})", st->client_us / e.client_us,
                          mark(st->client_us >= 2.5 * e.client_us));
    fmt::print("{}\n", line);
  }
  fmt::print("\ngoals (engine client CPU per handshake over the library floor, sockets and HTTP "
             "included: <= 1.3 full, <= 1.5 resumed):\n");
  for (const auto& e : rows) {
    if (e.tool != "engine" || e.client_us <= 0) continue;
    const Row* lib = find(e, "library floor");
    if (!lib) continue;
    const double limit = e.mode == "full" ? 1.3 : 1.5;
    const double ratio = e.client_us / lib->client_us;
    fmt::print("  {:<5} {} {:<8} engine {:.0f} µs, library {:.0f} µs: {:.2f}x (<= {}: {})\n", e.key,
               e.tls, e.mode, e.client_us, lib->client_us, ratio, limit, mark(ratio <= limit));
  }
  const auto by_tool = [&](const std::string& tool) -> const Row* {
    for (const auto& r : rows)
      if (r.tool == tool && r.client_us > 0) return &r;
    return nullptr;
  };
  if (const Row* one = by_tool("engine, 1 thread"); one)
    if (const Row* two = by_tool("engine, 2 threads"))
      fmt::print("  scaling ecdsa 1.3 full: {:.0f} µs/hs with 1 thread, {:.0f} with 2: {:.2f}x "
                 "(<= 1.10: {}); {:.0f} -> {:.0f} hs/s\n",
                 one->client_us, two->client_us, two->client_us / one->client_us,
                 mark(two->client_us <= 1.10 * one->client_us), one->hs_per_s, two->hs_per_s);
  if (const Row* fixture = by_tool("engine, fixture id"); fixture)
    if (const Row* brought = by_tool("engine, brought id"))
      fmt::print("  brought identity ecdsa 1.3 full: {:.0f} µs/hs, fixture identity {:.0f}: "
                 "{:.2f}x (within 5 %: {})\n",
                 brought->client_us, fixture->client_us, brought->client_us / fixture->client_us,
                 mark(std::abs(brought->client_us / fixture->client_us - 1) <= 0.05));
}

// The round with the median client CPU per handshake (its other figures come with it).
Row median_round(std::vector<Row> runs) {
  std::sort(runs.begin(), runs.end(),
            [](const Row& a, const Row& b) { return a.client_us < b.client_us; });
  return runs[runs.size() / 2];
}

// The floor measured before and after the rows: the lower figure of each operation (the
// machine at its least disturbed).
bench::Floor lower(const bench::Floor& a, const bench::Floor& b) {
  return {std::min(a.ecdsa_sign_us, b.ecdsa_sign_us), std::min(a.ecdsa_verify_us, b.ecdsa_verify_us),
          std::min(a.x25519_us, b.x25519_us), std::min(a.rsa_sign_us, b.rsa_sign_us),
          std::min(a.rsa_verify_us, b.rsa_verify_us)};
}

}  // namespace

int main(int argc, char** argv) {
  Settings st;
  st.dir = fs::absolute(argc > 1 ? argv[1] : "bench-load");
  if (const char* s = std::getenv("BENCH_SECONDS")) st.seconds = std::stod(s);
  if (const char* h = std::getenv("BENCH_HOLD")) st.hold = std::stoi(h);
  if (const char* r = std::getenv("BENCH_ROUNDS")) st.rounds = std::max(1, std::stoi(r));
  if (const char* c = std::getenv("BENCH_CONNECTIONS")) st.engine_connections = std::max(1, std::stoi(c));
  // For profiling the engine alone (perf record): one row, the engine only. BENCH_ENGINE_ONLY=1
  // is the first row (ECDSA, TLS 1.3, full); a row name picks another, e.g. rsa-1.2-resumed,
  // and "memory" the held-open connections alone.
  const char* only = std::getenv("BENCH_ENGINE_ONLY");
  const bool engine_only = only != nullptr;
  const std::string only_row = engine_only && std::string(only) != "1" ? only : "ecdsa-1.3-full";
  try {
    fs::create_directories(st.dir);
    auto floor = engine_only ? bench::Floor{} : bench::measure_floor(st.client_cpu, st.dir);
    std::vector<Row> rows;
    for (auto key : {scenario::KeyType::ec_p256, scenario::KeyType::rsa_2048}) {
      const std::string k = key == scenario::KeyType::ec_p256 ? "ecdsa" : "rsa";
      // One row alone: no fixtures or nginx for the other key type.
      if (engine_only && only_row != "memory" && only_row.rfind(k + "-", 0) != 0) continue;
      // ECDSA also carries an identity from a PKI the harness did not make; nginx trusts both.
      const bool ecdsa = key == scenario::KeyType::ec_p256;
      std::optional<bench::BroughtPki> brought;
      if (ecdsa && !engine_only) brought = bench::make_brought_pki(st.dir / "brought-pki");
      const auto s = bench_scenario(key, brought ? &*brought : nullptr);
      pki::Options po;
      po.fixtures_root = st.dir / "fixtures";
      const auto f = pki::materialize(s, po);
      const auto served = brought ? trusting(f, *brought, st.dir) : f;
      auto nginx = bench::start_nginx(served, st.dir / ("nginx-" + s.name), st.server_cpu, st.hold);
      for (auto v : {scenario::TlsVersion::tls1_3, scenario::TlsVersion::tls1_2}) {
        for (bool resumed : {false, true}) {
          const std::string tls = v == scenario::TlsVersion::tls1_3 ? "1.3" : "1.2";
          const std::string mode = resumed ? "resumed" : "full";
          if (engine_only && only_row != k + "-" + tls + "-" + mode) continue;
          std::vector<Row> engine, s_time, ab, library;
          for (int round = 0; round < st.rounds; ++round) {
            engine.push_back(run_engine(st, s, f, *nginx, v, resumed));
            if (engine_only) return 0;
            s_time.push_back(run_s_time(st, f, *nginx, v, resumed));
            if (!resumed) ab.push_back(run_ab(st, f, *nginx, v));  // ab never resumes
            library.push_back(run_library_floor(st, s, f, v, resumed));
          }
          for (auto* runs : {&engine, &s_time, &ab, &library}) {
            if (runs->empty()) continue;
            Row r = median_round(*runs);
            r.key = k, r.tls = tls, r.mode = mode;
            std::fprintf(stderr, "  %s %s %s %s: %.0f hs/s, %.0f client µs/hs (median of %zu)\n",
                         k.c_str(), tls.c_str(), mode.c_str(), r.tool.c_str(), r.hs_per_s,
                         r.client_us, runs->size());
            rows.push_back(r);
          }
        }
      }
      if (ecdsa && !engine_only) {
        // Scaling: the same row with 1 and 2 engine threads, free to use every core (nginx
        // shares them), and the brought identity against a fixture one; rounds alternate.
        std::vector<Row> one, two, fixture_id, brought_id;
        for (int round = 0; round < st.rounds; ++round) {
          {
            AllCores cores;
            one.push_back(run_engine(st, s, f, *nginx, scenario::TlsVersion::tls1_3, false, 1));
            two.push_back(run_engine(st, s, f, *nginx, scenario::TlsVersion::tls1_3, false, 2));
          }
          fixture_id.push_back(run_engine(st, s, f, *nginx, scenario::TlsVersion::tls1_3, false, 1, "client"));
          brought_id.push_back(run_engine(st, s, f, *nginx, scenario::TlsVersion::tls1_3, false, 1, "brought"));
        }
        const std::pair<std::vector<Row>*, const char*> extra[] = {
            {&one, "engine, 1 thread"}, {&two, "engine, 2 threads"},
            {&fixture_id, "engine, fixture id"}, {&brought_id, "engine, brought id"}};
        for (const auto& [runs, tool] : extra) {
          Row r = median_round(*runs);
          r.key = k, r.tls = "1.3", r.mode = "full", r.tool = tool;
          std::fprintf(stderr, "  %s: %.0f hs/s, %.0f client µs/hs (median of %zu)\n", tool,
                       r.hs_per_s, r.client_us, runs->size());
          rows.push_back(r);
        }
      }
      const bool memory = !engine_only || only_row == "memory";
      if (key == scenario::KeyType::ec_p256 && st.hold > 0 && memory) {
        run_memory(st, s, f, *nginx);
        if (engine_only) return 0;
      }
    }
    floor = lower(floor, bench::measure_floor(st.client_cpu, st.dir));
    print_rows(rows, floor);
    print_goals(rows, floor);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "load_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
