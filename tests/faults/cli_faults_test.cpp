// Faults through the real binary, the way a CI job meets them: an external target that dies
// and comes back mid-phase (report.json says when), a signal during the conformance cases
// or during a load phase against a launched nginx (report partial, exit 130, every nginx
// process gone), and a launched target that dies mid-run (report partial, with the reason).
#include <catch2/catch.hpp>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

#include <dirent.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/files.hpp"
#include "common/process.hpp"
#include "faults_support.hpp"
#include "hostile_peer.hpp"

namespace mtls::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit) {
  const auto until = Clock::now() + limit;
  while (Clock::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return pred();
}

bool output_has(const std::filesystem::path& dir, const std::string& text) {
  try {
    return common::read_file(dir / "harness-output.txt").find(text) != std::string::npos;
  } catch (const std::exception&) {
    return false;
  }
}

// "S", "Z", ... from /proc/<pid>/stat; empty when the process is gone.
std::string proc_state(pid_t pid, pid_t* ppid = nullptr, std::string* comm = nullptr) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return {};
  const auto open = line.find('('), close = line.rfind(')');
  if (open == std::string::npos || close == std::string::npos) return {};
  if (comm) *comm = line.substr(open + 1, close - open - 1);
  std::istringstream rest(line.substr(close + 2));
  std::string state;
  pid_t parent = 0;
  rest >> state >> parent;
  if (ppid) *ppid = parent;
  return state;
}

// Every live descendant of `root` (children, their children, ...).
std::vector<pid_t> descendants(pid_t root) {
  std::vector<std::pair<pid_t, pid_t>> all;  // pid, ppid
  if (DIR* d = ::opendir("/proc")) {
    while (dirent* e = ::readdir(d)) {
      char* end = nullptr;
      const long pid = std::strtol(e->d_name, &end, 10);
      pid_t ppid = 0;
      if (*end == '\0' && pid > 0 && !proc_state(static_cast<pid_t>(pid), &ppid).empty())
        all.emplace_back(static_cast<pid_t>(pid), ppid);
    }
    ::closedir(d);
  }
  std::vector<pid_t> out{root};
  for (std::size_t i = 0; i < out.size(); ++i)
    for (const auto& [pid, ppid] : all)
      if (ppid == out[i]) out.push_back(pid);
  out.erase(out.begin());
  return out;
}

bool gone(pid_t pid) {
  const auto s = proc_state(pid);
  return s.empty() || s == "Z";
}

json report_of(const std::filesystem::path& dir, const std::string& scenario) {
  return json::parse(common::read_file(dir / "reports" / scenario / "report.json"));
}

// An external-target scenario for `mtls-harness run`, written into the test's scratch dir.
std::filesystem::path external_scenario(const std::filesystem::path& dir, int port,
                                        const std::string& rest) {
  const auto file = dir / "faults-external.toml";
  std::ofstream out(file);
  out << fmt::format(R"([scenario]
name = "faults-target"

[target]
kind = "external"
url = "https://127.0.0.1:{}/"
server_name = "localhost"
ca_file = "{}"
timeout_ms = 2000

[[identity]]
name = "valid"
{})",
                     port, faults_fixtures().server_trust.string(), rest);
  return file;
}

std::vector<std::string> run_args(const std::filesystem::path& file,
                                  std::vector<std::string> more = {}) {
  std::vector<std::string> a = {"run", file.string(), "--no-color", "--fixtures",
                                fixtures_root().string()};
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

}  // namespace

TEST_CASE("run --target external: the target dies and comes back mid-phase; report.json says "
          "when", "[faults][cli]") {
  const auto dir = scratch("faults-external-flaky");
  const int port = common::free_loopback_port();
  auto serve = std::make_unique<ServeProcess>(port);
  const auto file = external_scenario(dir, port, R"(
[[load]]
name = "flaky"
connections = 2
duration_s = 4
threads = 1

[load.gates]
error_rate_max = 0.01
)");
  const pid_t pid = start_harness(run_args(file, {"--skip-cases"}), dir);
  REQUIRE(eventually([&] { return output_has(dir, "load phase 'flaky'"); }, 30s));
  std::this_thread::sleep_for(1300ms);  // inside the phase, past its first second
  serve->kill_hard();
  std::this_thread::sleep_for(700ms);  // refused for a while
  serve = std::make_unique<ServeProcess>(port);
  const auto r = wait_harness(pid, dir);
  INFO(r.output);
  CHECK(r.exit_code == 1);  // the error-rate gate fails
  // One episode, not an event per error: when it began, what failed, that it recovered.
  CHECK_THAT(r.output, Catch::Contains("episodes    t=") && Catch::Contains("errors (connect:refused") &&
                           Catch::Contains("), recovered\n"));

  const auto doc = report_of(dir, "faults-target");
  const auto& phase = doc["load"].at(0);
  INFO(phase["events"].dump());
  CHECK(phase["partial"] == false);
  CHECK(phase["stop_reason"] == "duration");
  CHECK(phase["errors"].value("connect:refused", 0) > 0);
  const auto& events = phase["events"];
  REQUIRE(events.size() >= 2);
  CHECK(events[0]["event"] == "errors_begin");
  const double began = events[0]["t_s"];
  CHECK(began > 1.0);
  CHECK(began < 3.5);
  bool recovered = false;
  for (const auto& e : events)
    recovered = recovered || (e["event"] == "recovered" && e["t_s"].get<double>() > began);
  CHECK(recovered);
  int refused_seconds = 0;
  for (const auto& s : phase["series"])
    if (s.at("errors_by_class").contains("connect:refused")) ++refused_seconds;
  CHECK(refused_seconds >= 1);
  CHECK(phase["series"].at(0)["errors"] == 0);
  const auto& episodes = phase["episodes"];
  REQUIRE(episodes.size() >= 1);
  CHECK(episodes[0]["recovered"] == true);
  CHECK(episodes[0]["from_s"].get<double>() == Approx(began).margin(0.001));
  std::uint64_t in_episodes = 0;
  for (const auto& e : episodes) in_episodes += e["errors"].get<std::uint64_t>();
  CHECK(in_episodes == phase["counts"]["unexpected_errors"].get<std::uint64_t>());
}

TEST_CASE("SIGINT during the conformance cases: report partial, exit 130, within the probe "
          "timeout", "[faults][cli][interrupt]") {
  const auto dir = scratch("faults-interrupt-cases");
  HostilePeer peer(Hostility::never_answers,
                   {faults_fixtures().server_fullchain, faults_fixtures().server_key});
  const auto file = external_scenario(dir, peer.port(), R"(
[[case]]
name = "first"
identity = "valid"

[[case]]
name = "second"
identity = "valid"

[[load]]
name = "after"
connections = 1
duration_s = 1
)");
  const pid_t pid = start_harness(run_args(file), dir);
  REQUIRE(eventually([&] { return peer.accepted() >= 1; }, 30s));  // the first probe waits
  const auto sent = Clock::now();
  ::kill(pid, SIGINT);
  const auto r = wait_harness(pid, dir);
  const auto took = Clock::now() - sent;
  INFO(r.output);
  CHECK(r.exit_code == 130);
  CHECK(took < 2s + 5s);  // the probe in flight runs out its 2 s timeout, nothing more
  const auto doc = report_of(dir, "faults-target");
  CHECK(doc["meta"]["partial"] == true);
  CHECK_THAT(doc["meta"]["partial_reason"].get<std::string>(),
             Catch::Contains("stopped by signal 2 after") && Catch::Contains("of 4 probes") &&
                 Catch::Contains("0 of 1 load phases"));
  CHECK(doc["load"].empty());
  CHECK(doc["cases"].size() < 4);
}

TEST_CASE("SIGTERM during a load phase against a launched nginx: nginx stopped, report partial",
          "[faults][cli][interrupt][nginx]") {
  const auto dir = scratch("faults-interrupt-nginx");
  const auto file = source_root() / "tests" / "faults" / "scenarios" / "nginx-load.toml";
  const pid_t pid = start_harness(run_args(file), dir);
  REQUIRE(eventually([&] { return output_has(dir, "load phase 'long'"); }, 60s));
  std::vector<pid_t> nginx;
  REQUIRE(eventually(
      [&] {
        nginx.clear();
        for (pid_t p : descendants(pid)) {
          std::string comm;
          if (proc_state(p, nullptr, &comm) != "" && comm == "nginx") nginx.push_back(p);
        }
        return nginx.size() >= 2;  // master and at least one worker
      },
      10s));
  const auto sent = Clock::now();
  ::kill(pid, SIGTERM);
  const auto r = wait_harness(pid, dir);
  INFO(r.output);
  CHECK(r.exit_code == 130);
  CHECK(Clock::now() - sent < 15s);
  for (pid_t p : nginx) {
    INFO("nginx pid " << p);
    CHECK(eventually([&] { return gone(p); }, 5s));
  }
  const auto doc = report_of(dir, "faults-nginx");
  CHECK(doc["meta"]["partial"] == true);
  CHECK_THAT(doc["meta"]["partial_reason"].get<std::string>(),
             Catch::Contains("stopped by signal " + std::to_string(SIGTERM)));
  CHECK(doc["summary"]["passed"] == 2);
  REQUIRE(doc["load"].size() == 1);
  CHECK(doc["load"][0]["partial"] == true);
}

TEST_CASE("the launched nginx dies mid-phase: errors counted, report partial with the reason",
          "[faults][cli][nginx]") {
  const auto dir = scratch("faults-nginx-dies");
  // The same scenario with a 3 s phase.
  auto text = common::read_file(source_root() / "tests" / "faults" / "scenarios" / "nginx-load.toml");
  text.replace(text.find("duration_s = 60"), 15, "duration_s = 3");
  const auto file = dir / "nginx-load.toml";
  common::write_file_atomic(file, text);
  const pid_t pid = start_harness(run_args(file, {"--skip-cases"}), dir);
  REQUIRE(eventually([&] { return output_has(dir, "load phase 'long'"); }, 60s));
  pid_t master = 0;
  REQUIRE(eventually(
      [&] {
        for (pid_t p : descendants(pid)) {
          pid_t ppid = 0;
          std::string comm;
          if (proc_state(p, &ppid, &comm) != "" && comm == "nginx" && ppid == pid) master = p;
        }
        return master > 0;
      },
      10s));
  std::this_thread::sleep_for(800ms);  // inside the phase
  // The whole gateway dies at once: master and workers (its process group).
  ::kill(-master, SIGKILL);
  const auto r = wait_harness(pid, dir);
  INFO(r.output);
  CHECK(r.exit_code == 1);
  const auto doc = report_of(dir, "faults-nginx");
  CHECK(doc["meta"]["partial"] == true);
  CHECK_THAT(doc["meta"]["partial_reason"].get<std::string>(),
             Catch::Contains(fmt::format("target process {} exited", master)));
  const auto& phase = doc["load"].at(0);
  CHECK(phase["stop_reason"] == "duration");
  CHECK(phase["errors"].value("connect:refused", 0) > 0);
  CHECK(phase["events"].at(0)["event"] == "errors_begin");
}

}  // namespace mtls::test

namespace mtls::test {

TEST_CASE("diagnose names a misbehaving gateway instead of blaming the certificate",
          "[faults][cli][hostile]") {
  struct Row {
    Hostility mode;
    const char* cause;
  };
  const Row rows[] = {
      {Hostility::plain_http, "not TLS: the server answered in plain HTTP"},
      {Hostility::never_answers, "TLS handshake timeout after 800 ms"},
      {Hostility::huge_header, "response header too large"},
  };
  const auto& valid = *faults_fixtures().find("valid");
  for (const auto& row : rows) {
    DYNAMIC_SECTION(to_string(row.mode)) {
      const auto dir = scratch(std::string("faults-diagnose-") + to_string(row.mode));
      HostilePeer peer(row.mode, {faults_fixtures().server_fullchain, faults_fixtures().server_key});
      const auto r = run_harness(
          {"diagnose", "--url", "https://127.0.0.1:" + std::to_string(peer.port()) + "/",
           "--servername", "localhost", "--cert", valid.fullchain.string(), "--key",
           valid.key.string(), "--cacert", faults_fixtures().server_trust.string(),
           "--timeout-ms", "800"},
          dir);
      INFO(r.output);
      CHECK(r.exit_code == 1);
      CHECK_THAT(r.output, Catch::Contains("verdict: gateway misbehaved") &&
                               Catch::Contains(row.cause));
    }
  }
}

}  // namespace mtls::test
