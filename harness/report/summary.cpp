#include <chrono>
#include <ctime>
#include <fstream>
#include <iterator>

#include "common/digest.hpp"
#include "common/files.hpp"
#include "report/report.hpp"

namespace mtls::report {

Summary Report::summary() const {
  Summary s;
  for (const auto& c : cases) {
    ++s.total;
    switch (c.verdict.status) {
      case cases::Status::pass: ++s.passed; break;
      case cases::Status::fail: ++s.failed; break;
      case cases::Status::error: ++s.errors; break;
      case cases::Status::skipped: ++s.skipped; break;
    }
  }
  return s;
}

int Report::gates_failed() const {
  int n = 0;
  for (const auto& p : phases)
    for (const auto& g : p.gates) n += g.pass ? 0 : 1;
  return n;
}

int Report::exit_code() const {
  auto s = summary();
  int ran = s.total - s.skipped;
  int unreachable = 0;
  for (const auto& c : cases)
    if (c.verdict.observed == cases::Observed::tcp_failure) ++unreachable;
  if (ran > 0 && unreachable == ran) return 3;
  if (s.failed > 0 || s.errors > 0 || gates_failed() > 0 || meta.partial) return 1;
  return 0;
}

std::string now_iso8601() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string sha256_file_hex(const std::filesystem::path& file) {
  return common::sha256_hex(common::read_file(file));
}

}  // namespace mtls::report
