// Every number of a report read back (merge inputs) is checked against what the writer can
// produce, before any reader converts it: nlohmann's get<std::uint64_t>() turns -5 into
// 18446744073709551611, and get<int>() of 1e300 is undefined. The rule of a number follows
// from its key (and, where one key means two things, its parent's key).
#include "report/read_numbers.hpp"

#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <optional>
#include <string_view>
#include <nlohmann/json.hpp>

#include "measure/counters.hpp"
#include "report/read.hpp"

namespace mtls::report {
namespace {

using nlohmann::json;

enum class Rule {
  count,      // non-negative integer a counter can reach (< 2^53, so shard sums stay exact)
  int_count,  // non-negative integer that fits an int (threads, shard index, connections)
  code,       // protocol code: integer 0..65535 (alert, HTTP status, curl code, exit code)
  duration,   // non-negative, finite, under ten years in any unit the report uses
  ratio,      // 0..1
  rate,       // non-negative, finite
  unix_time,  // seconds since 1970: 0 (not recorded) or between 2000 and a day from now
  finite,     // gate limits and measurements: any finite value
};

constexpr double kMaxCount = 9007199254740992.0;  // 2^53
constexpr double kMaxDuration = 10.0 * 365 * 24 * 3600 * 1e9;  // ten years in ns

const std::map<std::string_view, Rule>& rules_by_key() {
  static const std::map<std::string_view, Rule> rules = {
#define MTLS_COUNT_RULE(name, what) {#name, Rule::count},
      MTLS_LOAD_COUNTS(MTLS_COUNT_RULE) MTLS_RESUMPTION_COUNTS(MTLS_COUNT_RULE)
      MTLS_IDENTITY_COUNTS(MTLS_COUNT_RULE)
#undef MTLS_COUNT_RULE
      {"count", Rule::count},            {"refused", Rule::count},
      {"counts", Rule::count},  // histogram rows: [bucket index, count]
      {"overflow", Rule::count},         {"sum_ns", Rule::count},
      {"min_ns", Rule::count},           {"max_ns", Rule::count},
      {"handshakes", Rule::count},       {"resumed", Rule::count},
      {"errors", Rule::count},           {"peak_open_connections", Rule::count},
      {"rss_bytes_at_peak", Rule::count}, {"max_connections_total", Rule::count},
      {"total", Rule::count},            {"passed", Rule::count},
      {"failed", Rule::count},           {"skipped", Rule::count},
      {"gates_failed", Rule::count},
      {"index", Rule::int_count},        {"sub_bucket_bits", Rule::int_count},
      {"requests_per_connection", Rule::int_count}, {"threads", Rule::int_count},
      {"merged_shards", Rule::int_count}, {"schema_version", Rule::int_count},
      {"code", Rule::code},              {"status", Rule::code},
      {"curl_code", Rule::code},         {"exit_code", Rule::code},
      {"duration_ms", Rule::duration},   {"measured_s", Rule::duration},
      {"ramp_up_s", Rule::duration},     {"duration_s", Rule::duration},
      {"warmup_s", Rule::duration},      {"t", Rule::duration},
      {"drain_s", Rule::duration},       {"limit_s", Rule::duration},
      {"seconds", Rule::duration},       {"phase_s", Rule::duration},
      {"from_s", Rule::duration},        {"to_s", Rule::duration},
      {"t_s", Rule::duration},           {"client_us", Rule::duration},
      {"target_us", Rule::duration},     {"client_us_per_handshake", Rule::duration},
      {"target_us_per_handshake", Rule::duration}, {"revocation_effective_ms", Rule::duration},
      {"min_ms", Rule::duration},        {"mean_ms", Rule::duration},
      {"p50_ms", Rule::duration},        {"p90_ms", Rule::duration},
      {"p99_ms", Rule::duration},        {"p999_ms", Rule::duration},
      {"max_ms", Rule::duration},
      {"error_rate", Rule::ratio},       {"accepted_ratio", Rule::ratio},
      {"resumed_share", Rule::ratio},
      {"rate", Rule::rate},              {"weight", Rule::rate},
      {"handshakes_per_s", Rule::rate},
      {"measured_from_unix_s", Rule::unix_time},
  };
  return rules;
}

Rule rule_for(std::string_view key, std::string_view parent) {
  if (parent == "timings_ms") return Rule::duration;  // connect, handshake, first_byte, total
  if (parent == "errors" || parent == "errors_by_class") return Rule::count;  // per error class
  if ((parent == "phase" || parent == "shard") && (key == "connections" || key == "count"))
    return Rule::int_count;  // read as int
  const auto& rules = rules_by_key();
  const auto it = rules.find(key);
  return it == rules.end() ? Rule::finite : it->second;
}

// nullopt when `v` obeys `rule`, else what it is not.
std::optional<std::string> broken(const json& v, Rule rule) {
  const double d = v.get<double>();
  const bool integer = v.is_number_integer();  // signed or unsigned JSON integer
  if (!std::isfinite(d)) return "is not a finite number";
  switch (rule) {
    case Rule::count:
      if (!integer || d < 0 || d > kMaxCount) return "is not a non-negative count";
      return std::nullopt;
    case Rule::int_count:
      if (!integer || d < 0 || d > 2147483647.0) return "is not a non-negative integer of int range";
      return std::nullopt;
    case Rule::code:
      if (!integer || d < 0 || d > 65535) return "is not a protocol code (an integer 0..65535)";
      return std::nullopt;
    case Rule::duration:
      if (d < 0 || d > kMaxDuration) return "is not a plausible duration (non-negative, under ten years)";
      return std::nullopt;
    case Rule::ratio:
      if (d < 0 || d > 1) return "is not a ratio between 0 and 1";
      return std::nullopt;
    case Rule::rate:
      if (d < 0) return "is not a non-negative rate";
      return std::nullopt;
    case Rule::unix_time: {
      const double now = std::chrono::duration<double>(
          std::chrono::system_clock::now().time_since_epoch()).count();
      if (d != 0 && (d < 946684800.0 || d > now + 86400))
        return "is not a plausible start time (seconds since 1970, between 2000 and now)";
      return std::nullopt;
    }
    case Rule::finite:
      return std::nullopt;
  }
  return std::nullopt;
}

std::string number_text(const json& v) {
  if (v.is_number_float()) return fmt::format("{}", v.get<double>());
  return v.dump();
}

void walk(const json& j, const std::string& path, std::string_view key, std::string_view parent,
          const std::string& source) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items())
      walk(v, path.empty() ? k : path + "." + k, k, key, source);
  } else if (j.is_array()) {
    // Elements keep their array's key: counts[3][1] is a "counts" number.
    for (std::size_t i = 0; i < j.size(); ++i)
      walk(j[i], fmt::format("{}[{}]", path, i), key, parent, source);
  } else if (j.is_number()) {
    if (auto why = broken(j, rule_for(key, parent)))
      throw ReportError(fmt::format("{}: {}: {} {}; the file is not a report this harness wrote "
                                    "(edited or corrupted): take the shard's report again",
                                    source, path, number_text(j), *why));
  }
}

}  // namespace

void check_numbers(const json& doc, const std::string& source) { walk(doc, "", "", "", source); }

}  // namespace mtls::report
