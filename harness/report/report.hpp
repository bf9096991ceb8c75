// The one in-memory report every output is rendered from (JSON is canonical; JUnit,
// summary.md, report.html and the terminal table are views of the same model).
#pragma once

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "report/model/case_result.hpp"
#include "report/model/phase.hpp"
#include "report/model/target_config.hpp"

namespace mtls::report {

inline constexpr int kSchemaVersion = 1;

struct Meta {
  std::string harness_version;
  std::string openssl_version;
  std::string curl_version;
  std::string scenario_name;
  std::string scenario_file;
  std::string scenario_sha256;  // of the scenario file's bytes
  std::string target;           // RunningTarget::describe()
  std::string target_kind;
  std::string profile;
  std::string started_at;   // ISO 8601 UTC
  std::string finished_at;
  double duration_ms = 0;
  bool partial = false;          // stopped early (signal, target died)
  std::string partial_reason;
  std::string target_log;        // server-side log excerpt (nginx error log), may be empty
  int shard_index = 0;    // a shard report (`run --shard`): shard shard_index of shard_count
  int shard_count = 0;    // 0: not a shard report
  int merged_shards = 0;  // > 0: `merge` made this report from that many shard reports
  int stop_signal = 0;    // > 0: stopped by this signal (SIGINT, SIGTERM): exit code 130
  // [target] config: what the run changed in the user's gateway config; absent for templates.
  std::optional<TargetConfig> target_config;
};

// What the gateway asked of clients on one TLS version, from the first probe that got that
// far: whether it sent a CertificateRequest, and the CA names it listed as acceptable.
struct ClientCaNames {
  scenario::TlsVersion version = scenario::TlsVersion::tls1_3;
  bool requested = false;
  std::vector<std::string> names;  // RFC 2253; empty: it named none
};

// One entry per TLS version some probe completed enough of a handshake on.
std::vector<ClientCaNames> client_ca_names(const std::vector<CaseResult>& cases);

struct Summary {
  int total = 0, passed = 0, failed = 0, errors = 0, inconclusive = 0, not_checkable = 0, skipped = 0;
  int count(Status s) const;
};

struct Report {
  Meta meta;
  std::vector<CaseResult> cases;
  std::vector<PhaseResult> phases;  // [[load]] phases, in scenario order
  Summary summary() const;  // of the cases
  int gates_failed() const;
  // 0 all expectations and gates hold, 1 some do not (or partial, or inconclusive), 3 target
  // unreachable, 130 stopped by a signal.
  int exit_code() const;
};

// "3 passed, 1 failed, 0 errors, 1 inconclusive, 2 skipped of 7": the kinds a run rarely has
// only when it has them.
std::string verdict_counts(const Summary& s);

std::string to_json(const Report& r);
std::string to_junit(const Report& r);
std::string to_markdown(const Report& r);  // summary.md
std::string to_html(const Report& r);      // report.html: one self-contained page
void print_table(const Report& r, std::ostream& out, bool color);

// Text safe inside Markdown (table cells included): markup characters backslash-escaped,
// line breaks flattened.
std::string markdown_escape(const std::string& text);

// junit.xml, report.html, summary.md and report.json into dir, each atomically; returns the
// paths written. When GITHUB_STEP_SUMMARY names a file, summary.md is appended to it; failing
// to do so is a warning on `warnings`, not an error.
std::vector<std::filesystem::path> write_all(const Report& r, const std::filesystem::path& dir,
                                             std::ostream& warnings);
std::vector<std::filesystem::path> write_all(const Report& r, const std::filesystem::path& dir);

// Appends markdown to the file named by $GITHUB_STEP_SUMMARY, if set. Returns the problem
// when it could not (nullopt when done or not set).
std::optional<std::string> append_to_step_summary(const std::string& markdown);

std::string now_iso8601();
std::string sha256_file_hex(const std::filesystem::path& file);

}  // namespace mtls::report
