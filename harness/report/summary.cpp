#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <iterator>

#include "common/digest.hpp"
#include "common/files.hpp"
#include "report/report.hpp"

namespace mtls::report {

namespace {

int* counter(Summary& s, Status status) {
  switch (status) {
    case Status::pass: return &s.passed;
    case Status::fail: return &s.failed;
    case Status::error: return &s.errors;
    case Status::inconclusive: return &s.inconclusive;
    case Status::not_checkable: return &s.not_checkable;
    case Status::skipped: return &s.skipped;
  }
  return &s.errors;
}

}  // namespace

int Summary::count(Status status) const { return *counter(const_cast<Summary&>(*this), status); }

Summary Report::summary() const {
  Summary s;
  for (const auto& c : cases) {
    ++s.total;
    ++*counter(s, c.verdict.status);
  }
  return s;
}

std::vector<ClientCaNames> client_ca_names(const std::vector<CaseResult>& cases) {
  std::vector<ClientCaNames> out;
  for (const auto& c : cases) {
    // Only a probe that got past the server's first flight knows whether a request came.
    const auto& o = c.outcome;
    if (!o.certificate_requested && !o.handshake_done) continue;
    bool seen = false;
    for (const auto& n : out) seen = seen || n.version == c.version;
    if (!seen) out.push_back({c.version, o.certificate_requested, o.acceptable_ca_names});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
  return out;
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
    if (c.verdict.observed == Observed::tcp_failure) ++unreachable;
  if (meta.stop_signal > 0) return 130;
  if (ran > 0 && unreachable == ran) return 3;
  bool failing = gates_failed() > 0 || meta.partial;
  for (const auto& k : kStatuses) failing = failing || (k.fails_run && s.count(k.status) > 0);
  return failing ? 1 : 0;
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
