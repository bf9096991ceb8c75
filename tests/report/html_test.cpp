// report.html rendered from a sample model: well-formed, escaped, failing cases first, one
// chart of each kind per load phase, nothing loaded from anywhere.
#include <catch2/catch.hpp>
#include <regex>

#include "html_check.hpp"
#include "report/html/escape.hpp"
#include "report/html/svg_charts.hpp"
#include "report/report.hpp"
#include "sample_report.hpp"

using namespace mtls;

namespace {

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

// The text between the element with this id's opening tag and the next section/figure end.
std::string element(const std::string& page, const std::string& id, const std::string& end_tag) {
  const auto start = page.find("id=\"" + id + "\"");
  if (start == std::string::npos) return "";
  const auto end = page.find(end_tag, start);
  return page.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace

TEST_CASE("html: the page is well-formed") {
  const auto page = report::to_html(test::sample_report());
  CHECK(test::html_problem(page) == "");
  CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
}

TEST_CASE("html: the well-formedness check itself rejects broken markup") {
  const struct {
    const char* html;
    const char* problem;
  } rows[] = {
      {"<p>a<b>c</p></b>", "</p> closes <b>"},
      {"<p>x & y</p>", "bare '&'"},
      {"<p>1 < 2</p>", "bare '<'"},
      {"<p title=\"<x>\">t</p>", "'<' or '>' in an attribute"},
      {"<div><p>open</div>", "</div> closes <p>"},
      {"<p>never", "<p> never closed"},
  };
  for (const auto& row : rows) {
    INFO(row.html);
    CHECK_THAT(test::html_problem(row.html), Catch::Contains(row.problem));
  }
  CHECK(test::html_problem("<p>a &amp; b &#39;<br/></p>") == "");
}

TEST_CASE("html: every text from the run is escaped") {
  const struct {
    const char* raw;
    const char* escaped;
  } rows[] = {
      {"a<b>&c", "a&lt;b&gt;&amp;c"},
      {"\"q\" 'a'", "&quot;q&quot; &#39;a&#39;"},
      {"tab\tnl\n", "tab\tnl\n"},
      {"bell\x07nul", "bell nul"},
      {"CN=é,O=x", "CN=é,O=x"},
  };
  for (const auto& row : rows) CHECK(report::html::escape(row.raw) == row.escaped);

  const auto page = report::to_html(test::sample_report());
  CHECK(page.find("<script") == std::string::npos);
  CHECK_THAT(page, Catch::Contains("expired &lt;script&gt;alert(1)&lt;/script&gt;"));
  CHECK_THAT(page, Catch::Contains("sample &lt;&amp;&gt; &quot;quoted&quot;"));
  CHECK_THAT(page, Catch::Contains("HTTP 200 | &quot;accepted&quot;"));
  CHECK_THAT(page, Catch::Contains("client sent &lt;b&gt;bad&lt;/b&gt; &amp; left"));
  CHECK_THAT(page, Catch::Contains("http_status:&lt;403&gt;"));
}

TEST_CASE("html: self-contained, nothing fetched when opened") {
  const auto page = report::to_html(test::sample_report());
  CHECK(page.find("src=") == std::string::npos);
  CHECK(page.find("href=") == std::string::npos);
  CHECK(page.find("url(") == std::string::npos);
  CHECK(page.find("@import") == std::string::npos);
  CHECK(page.find("<script") == std::string::npos);
  // A browser refuses any load the page might still attempt.
  CHECK_THAT(page, Catch::Contains("Content-Security-Policy\" content=\"default-src 'none'"));
  CHECK_THAT(page, Catch::Contains("@media (prefers-color-scheme: dark)"));
  CHECK_THAT(page, Catch::Contains("@media print"));
}

TEST_CASE("html: the matrix lists failing cases first, highlighted, one cell per TLS version") {
  const auto page = report::to_html(test::sample_report());
  const auto matrix = element(page, "matrix", "</table>");
  REQUIRE_FALSE(matrix.empty());
  std::vector<std::string> order;
  const std::regex row(R"re(<tr class="(\w+)" data-case="([^"]*)")re");
  for (auto it = std::sregex_iterator(matrix.begin(), matrix.end(), row); it != std::sregex_iterator(); ++it)
    order.push_back((*it)[1].str() + " " + (*it)[2].str());
  CHECK(order == std::vector<std::string>{
                     "fail expired &lt;script&gt;alert(1)&lt;/script&gt;",
                     "error untrusted-server",
                     "pass valid",
                     "skipped later",
                 });
  CHECK(count(matrix, "<th>TLS 1.2</th>") == 1);
  CHECK(count(matrix, "<th>TLS 1.3</th>") == 1);
  // 4 rows x 2 versions: 6 judged cells and 2 "not run" (later and untrusted-server on 1.2).
  CHECK(count(matrix, "<td class=\"cell ") == 6);
  CHECK(count(matrix, "<td class=\"none\">not run</td>") == 2);
  CHECK(count(matrix, "<td class=\"cell fail\">") == 1);
  CHECK(count(matrix, "<td class=\"cell error\">") == 1);
  CHECK_THAT(matrix, Catch::Contains("expected: reject at TLS alert certificate_expired"));
  CHECK_THAT(matrix, Catch::Contains("unable to get local issuer certificate"));
  // The mismatch lines sit above the matrix.
  const auto mismatches = element(page, "mismatches", "</ul>");
  CHECK(count(mismatches, "<li") == 2);
  CHECK(page.find("id=\"mismatches\"") < page.find("id=\"matrix\""));
}

TEST_CASE("html: each load phase has its charts and tables") {
  const auto r = test::sample_report();
  const auto page = report::to_html(r);
  for (int n : {1, 2}) {
    const auto p = "phase-" + std::to_string(n);
    INFO(p);
    for (const char* part : {"-percentiles", "-histogram", "-timeline", "-cpu"}) {
      const auto fig = element(page, p + part, "</figure>");
      REQUIRE_FALSE(fig.empty());
      CHECK(count(fig, "<svg") == 1);
    }
    for (const char* part : {"-latency", "-resumption", "-errors", "-counts", "-gates"})
      CHECK(page.find("id=\"" + p + part + "\"") != std::string::npos);
  }
  CHECK(count(page, "<section class=\"phase ") == 2);
  CHECK(count(page, "<svg") == 8);

  // Closed phase without resumption: only full handshakes and the total.
  const auto closed = element(page, "phase-1-percentiles", "</figure>");
  CHECK(count(closed, "<polyline class=\"line s-full") == 1);
  CHECK(count(closed, "<polyline class=\"line s-resumed") == 0);
  CHECK(count(closed, "<polyline class=\"line s-total") == 1);
  // Open phase with resumption: full and resumed as separate series, plus both totals.
  const auto open = element(page, "phase-2-percentiles", "</figure>");
  CHECK(count(open, "<polyline class=\"line s-full") == 1);
  CHECK(count(open, "<polyline class=\"line s-resumed") == 1);
  CHECK(count(open, "<polyline class=\"line s-uncorrected") == 1);
  // HDR axis: 3000 samples reach 99.97 % (1 - 1/3000); ticks up to the next decade, 99.99 %.
  for (const char* tick : {">0%<", ">90%<", ">99%<", ">99.9%<", ">99.99%<"})
    CHECK_THAT(open, Catch::Contains(tick));
  CHECK(open.find(">99.999%<") == std::string::npos);

  const auto hist = element(page, "phase-2-histogram", "</figure>");
  CHECK(count(hist, "<g class=\"bars s-full\">") == 1);
  CHECK(count(hist, "<g class=\"bars s-resumed\">") == 1);
  const auto timeline = element(page, "phase-2-timeline", "</figure>");
  CHECK(count(timeline, "<g class=\"bars s-errors\"><rect") == 1);  // errors in second 1 only
  CHECK_THAT(element(page, "phase-2-cpu", "</figure>"), Catch::Contains("1210 µs"));
  CHECK_THAT(element(page, "phase-2-gates", "</table>"), Catch::Contains("<span class=\"badge fail\">fail</span>"));
  CHECK_THAT(element(page, "phase-2-resumption", "</dl>"), Catch::Contains("2300 → 2250 (97.8 %)"));
  const auto events = element(page, "phase-2-events", "</ul>");
  // The events as one episode: when errors began, what they were, when they stopped.
  CHECK_THAT(events, Catch::Contains("<li>t=1.50–1.75 s: 1 errors (tls_alert:certificate_expired), recovered</li>"));
  CHECK(page.find("id=\"phase-1-events\"") == std::string::npos);
}

TEST_CASE("html: run metadata") {
  auto r = test::sample_report();
  auto page = report::to_html(r);
  const auto meta = element(page, "meta", "</section>");
  for (const char* text : {"0.1.0", "OpenSSL 3.0.test", "embedded (verify=required)", "0123abcd",
                           "2026-01-01T00:00:00Z", "2026-01-01T00:00:05Z", "scenarios/sample.toml"})
    CHECK_THAT(meta, Catch::Contains(text));
  CHECK_THAT(element(page, "meta-partial", "</div>"), Catch::Contains("<dd>yes</dd>"));
  r.meta.partial = true;
  r.meta.partial_reason = "stopped by signal 2";
  page = report::to_html(r);
  CHECK_THAT(element(page, "meta-partial", "</div>"), Catch::Contains("no — partial: stopped by signal 2"));
  CHECK_THAT(element(page, "verdict", "</header>"), Catch::Contains("Partial run: stopped by signal 2"));
}

TEST_CASE("html: a report without load phases or cases still renders") {
  report::Report r;
  r.meta.scenario_name = "empty";
  const auto page = report::to_html(r);
  CHECK(test::html_problem(page) == "");
  CHECK_THAT(page, Catch::Contains("No cases were run."));
  CHECK(page.find("id=\"load\"") == std::string::npos);
}

TEST_CASE("html: the percentile axis is log10(1/(1-p))") {
  CHECK(report::html::percentile_x(0) == Approx(0));
  CHECK(report::html::percentile_x(0.9) == Approx(1));
  CHECK(report::html::percentile_x(0.999) == Approx(3));
  const auto axis = report::html::percentile_axis(4);
  std::vector<std::string> labels;
  for (const auto& [x, label] : axis.ticks) labels.push_back(label);
  CHECK(labels == std::vector<std::string>{"0%", "90%", "99%", "99.9%", "99.99%"});
  const auto lin = report::html::linear_axis("ms", 7.3);
  CHECK(lin.max == Approx(8));
  CHECK(lin.ticks.back().second == "8");
}
