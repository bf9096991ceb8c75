// Run metadata: what ran, against what, with which versions, when, and whether it finished.
#include <fmt/format.h>

#include "report/html/escape.hpp"
#include "report/html/parts.hpp"

namespace mtls::report::html {

std::string meta_section(const Report& r) {
  const auto& m = r.meta;
  std::string out = R"(<section id="meta"><h2>Run</h2><dl class="facts">)";
  auto fact = [&](const char* id, const char* term, const std::string& value) {
    out += fmt::format(R"(<div id="meta-{}"><dt>{}</dt><dd>{}</dd></div>)", id, term,
                       escape(value.empty() ? "—" : value));
  };
  fact("scenario", "scenario", m.scenario_name + (m.scenario_file.empty() ? "" : " (" + m.scenario_file + ")"));
  fact("sha256", "scenario SHA-256", m.scenario_sha256);
  fact("target", "target", m.target);
  fact("profile", "profile", m.target_kind + (m.profile.empty() ? "" : ", profile " + m.profile));
  fact("harness", "harness version", m.harness_version);
  fact("openssl", "OpenSSL", m.openssl_version);
  fact("curl", "libcurl", m.curl_version);
  fact("started", "started", m.started_at);
  fact("finished", "finished", m.finished_at);
  fact("duration", "duration", fmt::format("{:.0f} ms", m.duration_ms));
  fact("partial", "complete", m.partial ? "no — partial: " + m.partial_reason : "yes");
  out += "</dl>";
  if (!m.target_log.empty())
    out += fmt::format(R"(<details id="target-log"><summary>target log during the run</summary><pre>{}</pre></details>)",
                       escape(m.target_log));
  return out + "</section>";
}

}  // namespace mtls::report::html
