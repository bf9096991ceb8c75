// report.html in a real browser: a real run of the harness (embedded target, two short load
// phases) renders its page; Debian's chromium, headless with a fresh profile, loads it from
// disk, dumps the DOM and takes screenshots in the light and the dark scheme. The page must
// show its key parts, log nothing to the console and fetch nothing.
//
// Skips (exit 77) only when no chromium is installed; ci/setup installs the Debian package.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>
#include <unistd.h>

#include "../run/run_cli.hpp"
#include "common/files.hpp"
#include "common/process.hpp"

using namespace mtls;
namespace fs = std::filesystem;

namespace {

fs::path find_chromium() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':'))
    for (const char* name : {"chromium", "chromium-browser"}) {
      const auto candidate = fs::path(dir) / name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
  return {};
}

struct BrowserRun {
  int exit_code = -1;
  bool timed_out = false;
  std::string out, err;
};

// One headless chromium run with its own fresh profile, bounded in time.
BrowserRun run_chromium(const fs::path& chromium, const fs::path& dir, const std::string& tag,
                        const std::vector<std::string>& args) {
  const auto profile = dir / ("profile-" + tag);
  fs::remove_all(profile);
  common::SpawnOptions opts;
  opts.argv = {chromium.string(), "--headless", "--no-sandbox", "--disable-gpu",
               "--user-data-dir=" + profile.string(), "--no-first-run", "--disable-extensions",
               "--disable-background-networking", "--enable-logging=stderr", "--v=0"};
  opts.argv.insert(opts.argv.end(), args.begin(), args.end());
  opts.stdout_file = dir / (tag + ".out");
  opts.stderr_file = dir / (tag + ".err");
  const pid_t pid = common::spawn(opts);
  BrowserRun r;
  int status = 0;
  // Chromium starts in a second or two on a quiet machine; a busy CI box gets a minute.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!common::has_exited(pid, &status)) {
    if (std::chrono::steady_clock::now() > deadline) {
      r.timed_out = true;
      common::stop_process(pid);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  r.exit_code = status;
  r.out = common::read_file(opts.stdout_file);
  r.err = common::read_file(opts.stderr_file);
  return r;
}

// Lines chromium logged for the page itself (console messages, blocked or failed loads).
std::vector<std::string> page_log_lines(const std::string& err) {
  std::vector<std::string> lines;
  std::stringstream in(err);
  std::string line;
  while (std::getline(in, line))
    if (line.find(":CONSOLE") != std::string::npos || line.find("Failed to load") != std::string::npos ||
        line.find("net::ERR_") != std::string::npos || line.find("Content Security Policy") != std::string::npos)
      lines.push_back(line);
  return lines;
}

struct PngSize {
  bool valid = false;
  std::uint32_t width = 0, height = 0;
};

PngSize png_size(const std::string& bytes) {
  static const std::string kSignature = "\x89PNG\r\n\x1a\n";
  PngSize s;
  if (bytes.size() < 24 || bytes.compare(0, 8, kSignature) != 0 || bytes.compare(12, 4, "IHDR") != 0)
    return s;
  auto be32 = [&](std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
    return v;
  };
  s.valid = true;
  s.width = be32(16);
  s.height = be32(20);
  return s;
}

}  // namespace

TEST_CASE("report.html renders in headless chromium: key parts, no console errors, no fetch") {
  const auto chromium = find_chromium();
  if (chromium.empty()) {
    std::cout << "SKIP: no chromium in PATH; the browser test needs Debian's chromium package "
                 "(bash ci/setup installs it)\n";
    std::exit(77);  // meson's "skipped"
  }

  const auto dir = test::scratch("report-chromium");
  const auto scenario = test::source_root() / "tests" / "report" / "scenarios" / "report-demo.toml";
  const auto run = test::run_harness({"run", scenario.string(), "--no-color"}, dir);
  INFO(run.output);
  // One expectation in the scenario is wrong on purpose.
  REQUIRE(run.exit_code == 1);
  CHECK_THAT(run.output, Catch::Contains("6 passed, 2 failed, 0 errors, 0 skipped of 8"));
  const auto page_path = fs::absolute(dir / "reports" / "report-demo" / "report.html");
  REQUIRE(fs::exists(page_path));
  const auto page = common::read_file(page_path);
  CHECK(fs::exists(dir / "reports" / "report-demo" / "summary.md"));
  // Nothing in the page can make the browser fetch: no src, no href, no url().
  CHECK(page.find("src=") == std::string::npos);
  CHECK(page.find("href=") == std::string::npos);
  CHECK(page.find("url(") == std::string::npos);
  const auto url = "file://" + page_path.string();

  {  // The DOM has the matrix, every phase's charts and the metadata; nothing was logged.
    const auto b = run_chromium(chromium, dir, "dom", {"--dump-dom", url});
    INFO(b.err);
    REQUIRE_FALSE(b.timed_out);
    REQUIRE(b.exit_code == 0);
    const auto& dom = b.out;
    for (const char* id : {"verdict", "conformance", "mismatches", "matrix", "meta", "meta-openssl",
                           "meta-sha256", "meta-partial", "load"})
      CHECK_THAT(dom, Catch::Contains(std::string("id=\"") + id + "\""));
    for (const char* phase : {"phase-1", "phase-2"})
      for (const char* part : {"-percentiles", "-histogram", "-timeline", "-cpu", "-latency", "-resumption"})
        CHECK_THAT(dom, Catch::Contains(std::string("id=\"") + phase + part + "\""));
    // The failing case is the matrix's first row.
    const auto matrix = dom.find("id=\"matrix\"");
    REQUIRE(matrix != std::string::npos);
    const auto first_row = dom.find("<tr class=", dom.find("<tbody>", matrix));
    REQUIRE(first_row != std::string::npos);
    CHECK_THAT(dom.substr(first_row, 80),
               Catch::StartsWith("<tr class=\"fail\" data-case=\"expired-wrongly-expected\">"));
    // Resumed handshakes are a series of their own in the PSK phase.
    CHECK_THAT(dom.substr(dom.find("id=\"phase-2-percentiles\"")), Catch::Contains("line s-resumed"));
    CHECK(page_log_lines(b.err).empty());
  }

  {  // Screenshots in the light and the dark scheme (looked at by a person when the page changes).
    const auto light = run_chromium(chromium, dir, "light",
                                    {"--screenshot=" + (dir / "light.png").string(),
                                     "--window-size=1280,2000", "--hide-scrollbars", url});
    INFO(light.err);
    REQUIRE_FALSE(light.timed_out);
    CHECK(light.exit_code == 0);
    CHECK(page_log_lines(light.err).empty());
    const auto dark = run_chromium(chromium, dir, "dark",
                                   {"--screenshot=" + (dir / "dark.png").string(), "--force-dark-mode",
                                    "--window-size=1280,2000", "--hide-scrollbars", url});
    INFO(dark.err);
    REQUIRE_FALSE(dark.timed_out);
    CHECK(dark.exit_code == 0);
    const auto light_png = common::read_file(dir / "light.png");
    const auto dark_png = common::read_file(dir / "dark.png");
    for (const auto* png : {&light_png, &dark_png}) {
      const auto size = png_size(*png);
      CHECK(size.valid);
      CHECK(size.width == 1280);
      CHECK(size.height == 2000);
      CHECK(png->size() > 50'000);  // a rendered page, not a blank one
    }
    // The dark scheme really restyles the page.
    CHECK(light_png != dark_png);
  }
}
