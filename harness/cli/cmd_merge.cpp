// `mtls-harness merge OUT_DIR SHARD.json...`: shard reports of one run -> the report one
// process would have written (same files), with gates judged on the merged figures.
#include <CLI/CLI.hpp>
#include <iostream>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "report/read.hpp"

namespace mtls::cli {
namespace {

struct MergeArgs {
  std::string out_dir;
  std::vector<std::string> shards;
  bool no_color = false;
};

int merge(const MergeArgs& a) {
  std::vector<report::ShardReport> shards;
  report::Report merged;
  try {
    for (const auto& file : a.shards) shards.push_back({file, report::read_report(file)});
    merged = report::merge_shard_reports(shards);
  } catch (const std::exception& e) {
    std::cerr << "mtls-harness merge: " << e.what() << "\n";
    return kBadInput;
  }
  report::print_table(merged, std::cout, !a.no_color && ::isatty(STDOUT_FILENO) == 1);
  try {
    for (const auto& p : report::write_all(merged, a.out_dir)) std::cout << "wrote " << p.string() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "mtls-harness merge: cannot write the report: " << e.what() << "\n";
    return kExpectationFailed;
  }
  return merged.exit_code();
}

}  // namespace

void add_merge(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "merge", "Merge the shard reports of one `run --shard` into one report; exit code as `run`");
  auto a = std::make_shared<MergeArgs>();
  cmd->add_option("OUT_DIR", a->out_dir, "Directory for the merged report files")->required();
  cmd->add_option("SHARD", a->shards, "report.json of every shard (shard-*-of-N/report.json)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_flag("--no-color", a->no_color, "No colours even on a terminal");
  cmd->callback([a, &exit_code] { exit_code = merge(*a); });
}

}  // namespace mtls::cli
