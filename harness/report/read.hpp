// report.json read back into the in-memory Report (json.cpp is the writer), and shard
// reports merged into one: what `mtls-harness merge` does.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "report/report.hpp"

namespace mtls::report {

// Bad input: unreadable, not a report, another schema version, shards that do not belong
// together. The message names the file(s) and says what to do.
struct ReportError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// `source` names the text in error messages (the file path).
Report report_from_json(const std::string& text, const std::string& source);
Report read_report(const std::filesystem::path& file);

struct ShardReport {
  std::string source;  // file it was read from
  Report report;
};

// Checks that the shards are one complete set (same scenario sha256, harness version and
// shard count; every index 0..N-1 exactly once) and merges them: cases concatenated in shard
// order, each load phase merged (report/phase_merge.hpp), meta spanning all shards.
Report merge_shard_reports(const std::vector<ShardReport>& shards);

}  // namespace mtls::report
