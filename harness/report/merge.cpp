// Shard reports -> one report: refuse sets that do not belong together, then merge.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "report/phase_merge.hpp"
#include "report/read.hpp"

namespace mtls::report {
namespace {

std::string shard_name(const ShardReport& s) {
  return fmt::format("{} (shard {}/{})", s.source, s.report.meta.shard_index, s.report.meta.shard_count);
}

// Every reason to refuse, checked before anything is merged.
void check_set(const std::vector<ShardReport>& shards) {
  if (shards.empty()) throw ReportError("merge: no shard reports given");
  for (const auto& s : shards)
    if (s.report.meta.shard_count < 1)
      throw ReportError(s.source + " is not a shard report (meta.shard is empty): write shard reports "
                                   "with `mtls-harness run FILE --shard INDEX/COUNT`");
  const auto& first = shards.front();
  const auto& m0 = first.report.meta;
  for (const auto& s : shards) {
    const auto& m = s.report.meta;
    if (m.scenario_sha256 != m0.scenario_sha256)
      throw ReportError(fmt::format(
          "merge: the shards ran different scenarios: {} ran '{}' (sha256 {}), {} ran '{}' (sha256 {}); "
          "every shard must run the same scenario file",
          first.source, m0.scenario_name, m0.scenario_sha256, s.source, m.scenario_name, m.scenario_sha256));
    if (m.harness_version != m0.harness_version)
      throw ReportError(fmt::format(
          "merge: the shards were written by different harness versions: {} by {}, {} by {}; "
          "run every shard with the same mtls-harness",
          first.source, m0.harness_version, s.source, m.harness_version));
    if (m.shard_count != m0.shard_count)
      throw ReportError(fmt::format("merge: shard count mismatch: {} and {} were not split the same way",
                                    shard_name(first), shard_name(s)));
  }
  std::map<int, const ShardReport*> by_index;
  for (const auto& s : shards) {
    auto [it, fresh] = by_index.emplace(s.report.meta.shard_index, &s);
    if (!fresh)
      throw ReportError(fmt::format("merge: shard {}/{} given twice: {} and {}", s.report.meta.shard_index,
                                    m0.shard_count, it->second->source, s.source));
  }
  std::vector<std::string> missing;
  for (int i = 0; i < m0.shard_count; ++i)
    if (!by_index.count(i)) missing.push_back(std::to_string(i));
  if (!missing.empty())
    throw ReportError(fmt::format("merge: missing shard{} {} of {} (given: {} report{}); merge all {} shard reports",
                                  missing.size() > 1 ? "s" : "", fmt::join(missing, ", "), m0.shard_count,
                                  shards.size(), shards.size() > 1 ? "s" : "", m0.shard_count));
  for (const auto& s : shards) {
    const auto& a = first.report.phases;
    const auto& b = s.report.phases;
    bool same = a.size() == b.size();
    for (std::size_t i = 0; same && i < a.size(); ++i) same = a[i].name == b[i].name;
    if (!same)
      throw ReportError(fmt::format("merge: {} and {} hold different load phases (a shard stopped early, or "
                                    "was run with --skip-load?); merge shards of one complete run",
                                    shard_name(first), shard_name(s)));
  }
}

}  // namespace

Report merge_shard_reports(const std::vector<ShardReport>& given) {
  check_set(given);
  std::vector<const ShardReport*> shards;
  for (const auto& s : given) shards.push_back(&s);
  std::sort(shards.begin(), shards.end(),
            [](auto* a, auto* b) { return a->report.meta.shard_index < b->report.meta.shard_index; });

  Report out;
  auto& m = out.meta;
  m = shards.front()->report.meta;
  m.shard_index = 0;
  m.shard_count = 0;
  m.merged_shards = static_cast<int>(shards.size());
  m.partial = false;
  m.partial_reason.clear();
  m.target_log.clear();
  std::vector<std::string> targets;
  for (const auto* s : shards) {
    const auto& sm = s->report.meta;
    m.started_at = std::min(m.started_at, sm.started_at);  // ISO 8601 UTC sorts as text
    m.finished_at = std::max(m.finished_at, sm.finished_at);
    m.duration_ms = std::max(m.duration_ms, sm.duration_ms);
    if (sm.partial) {
      m.partial = true;
      m.partial_reason += fmt::format("{}shard {}: {}", m.partial_reason.empty() ? "" : "; ",
                                      sm.shard_index, sm.partial_reason);
    }
    if (!sm.target_log.empty())
      m.target_log += fmt::format("--- shard {} ---\n{}\n", sm.shard_index, sm.target_log);
    if (std::find(targets.begin(), targets.end(), sm.target) == targets.end()) targets.push_back(sm.target);
    out.cases.insert(out.cases.end(), s->report.cases.begin(), s->report.cases.end());
  }
  m.target = fmt::format("{}", fmt::join(targets, "; "));
  for (std::size_t i = 0; i < shards.front()->report.phases.size(); ++i) {
    std::vector<PhaseResult> parts;
    for (const auto* s : shards) parts.push_back(s->report.phases[i]);
    out.phases.push_back(merge_shards(parts));
  }
  return out;
}

}  // namespace mtls::report
