// The conformance matrix: one row per case, one cell per TLS version (expected, observed,
// verdict), rows with a failing cell first and highlighted.
#include <algorithm>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "report/html/escape.hpp"
#include "report/html/parts.hpp"
#include "report/views.hpp"

namespace mtls::report::html {
namespace {

std::string status_class(Status s) { return to_string(s); }

std::string cell(const CaseResult* c) {
  if (c == nullptr) return R"(<td class="none">not run</td>)";
  const auto& v = c->verdict;
  std::string out = fmt::format(R"(<td class="cell {}"><span class="badge {}">{}</span> )",
                                status_class(v.status), status_class(v.status),
                                escape(words(v.status)));
  out += fmt::format(R"(<span class="observed">{}</span>)", escape(v.observed_text));
  out += fmt::format(R"(<span class="expected">expected: {}</span>)", escape(v.expected_text));
  if (!c->outcome.curl_error.empty())
    out += fmt::format(R"(<span class="client-error">{}</span>)", escape(c->outcome.curl_error));
  return out + "</td>";
}

}  // namespace

std::string matrix_section(const Report& r) {
  const auto s = r.summary();
  std::string out = R"(<section id="conformance"><h2>Conformance</h2>)";
  out += R"(<p class="counts">)";
  for (const auto& k : kStatuses) {
    const int n = s.count(k.status);
    // The kinds a run rarely has only when it has them; the usual four always.
    if (n == 0 && (k.status == Status::inconclusive || k.status == Status::not_checkable))
      continue;
    const char* plural = k.status == Status::pass      ? "passed"
                         : k.status == Status::fail    ? "failed"
                         : k.status == Status::error   ? "errors"
                         : k.status == Status::skipped ? "skipped"
                                                              : "";
    out += fmt::format(R"(<span class="badge {}">{} {}</span> )", k.json, n,
                       *plural ? std::string(plural) : std::string(k.words));
  }
  out += fmt::format("of {} case × TLS version checks</p>", s.total);
  for (const auto& n : client_ca_names(r.cases)) {
    const auto v = scenario::to_string(n.version);
    std::string text = !n.requested       ? "the gateway never asked for a client certificate"
                       : n.names.empty()  ? "the gateway names none; fault cases are judged on the refusal alone"
                                          : fmt::format("{}", fmt::join(n.names, "; "));
    out += fmt::format(R"(<p class="client-cas">Client CAs (TLS {}): {}</p>)", escape(v), escape(text));
  }
  if (r.cases.empty()) return out + R"(<p id="matrix" class="note">No cases were run.</p></section>)";

  std::vector<const CaseResult*> failing;
  for (const auto& c : r.cases)
    if (is_failure(c.verdict.status) || c.verdict.status == Status::not_checkable)
      if (!c.verdict.message.empty()) failing.push_back(&c);
  if (!failing.empty()) {
    out += R"(<ul id="mismatches">)";
    for (const auto* c : failing)
      out += fmt::format(R"(<li class="{}">{}</li>)", status_class(c->verdict.status),
                         escape(c->verdict.message));
    out += "</ul>";
  }

  std::vector<scenario::TlsVersion> versions;
  for (const auto& c : r.cases)
    if (std::find(versions.begin(), versions.end(), c.version) == versions.end())
      versions.push_back(c.version);
  std::sort(versions.begin(), versions.end());

  out += R"(<table id="matrix"><thead><tr><th>case</th><th>identity (fault)</th>)";
  for (auto v : versions) out += fmt::format("<th>TLS {}</th>", escape(scenario::to_string(v)));
  out += "</tr></thead><tbody>";
  for (const auto& row : case_rows_failing_first(r)) {
    const auto* first = row.cells.front();
    const auto fault = scenario::to_string(first->fault);
    out += fmt::format(R"(<tr class="{}" data-case="{}"><th scope="row">{}</th><td>{}{}</td>)",
                       status_class(row.worst), escape(row.case_name), escape(row.case_name),
                       escape(first->identity),
                       first->fault == scenario::Fault::none ? "" : " (" + escape(fault) + ")");
    for (auto v : versions) {
      auto it = std::find_if(row.cells.begin(), row.cells.end(),
                             [&](const CaseResult* c) { return c->version == v; });
      out += cell(it == row.cells.end() ? nullptr : *it);
    }
    out += "</tr>";
  }
  return out + "</tbody></table></section>";
}

}  // namespace mtls::report::html
