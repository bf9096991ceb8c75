#include "repro/render.hpp"

#include <fmt/core.h>
#include <sstream>

#include "scenario/names.hpp"

namespace mtls::repro {
namespace {

constexpr int kLabel = 20;  // width of the left column

void row(std::ostream& out, const std::string& label, const std::string& text) {
  out << fmt::format("  {:<{}}{}\n", label, kLabel, text);
}

// More lines under one label.
void more(std::ostream& out, const std::string& text) { row(out, "", text); }

std::string title_of(const std::string& body) {
  const auto open = body.find("<title>");
  const auto close = body.find("</title>");
  if (open != std::string::npos && close != std::string::npos && close > open)
    return body.substr(open + 7, close - open - 7);
  std::string flat;
  for (char ch : body.substr(0, 80)) flat += (ch == '\n' || ch == '\r') ? ' ' : ch;
  return flat;
}

std::string alert_line(const probe::TlsAlert& a) {
  return fmt::format("{} ({}) {} by the {}, {} the handshake", a.name, a.code,
                     a.fatal ? "fatal" : "warning", a.from_server ? "server" : "client",
                     a.during_handshake ? "during" : "after");
}

std::vector<std::string> log_lines(const std::string& log) {
  std::vector<std::string> out;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);)
    if (line.find("[notice]") == std::string::npos && !line.empty()) out.push_back(line);
  return out;
}

void print_client(const probe::Outcome& o, std::ostream& out) {
  row(out, "client (curl):", curl_line(o));
  for (const auto& a : o.alerts) more(out, "alert " + alert_line(a));
  if (o.http_status) {
    more(out, fmt::format("HTTP {}: {}", o.http_status, title_of(o.body)));
    if (auto it = o.headers.find("x-client-verify"); it != o.headers.end())
      more(out, "X-Client-Verify: " + it->second);
  }
  if (o.certificate_requested) {
    std::string names;
    for (const auto& n : o.acceptable_ca_names) names += (names.empty() ? "" : "; ") + n;
    more(out, "server asked for a client certificate; acceptable CAs: " +
                  (names.empty() ? std::string("(none named)") : names));
  }
}

void print_s_client(const SClientRun& s, std::ostream& out) {
  if (s.argv.empty()) return;
  row(out, "openssl s_client:", "$ " + shell_line(s.argv));
  if (!s.ran) {
    more(out, "(not run: " + s.error + ")");
    return;
  }
  for (const auto& line : s.lines) more(out, line);
  if (s.lines.empty()) more(out, "(nothing telling in its output)");
  if (!s.error.empty()) more(out, s.error);
}

void print_attempt(const Reproduction& r, const Attempt& a, std::ostream& out) {
  out << fmt::format("\nTLS {} — {}\n", scenario::to_string(a.version), a.request.url);
  print_client(a.outcome, out);
  print_s_client(a.s_client, out);
  if (r.target_kind == "nginx") {
    const auto lines = log_lines(a.server_log);
    row(out, "server (nginx log):", lines.empty() ? "(no line)" : lines.front());
    for (std::size_t i = 1; i < lines.size(); ++i) more(out, lines[i]);
  }
  if (a.contrast) {
    row(out, "same client + cert:", curl_line(*a.contrast));
    if (a.contrast->http_status) more(out, fmt::format("HTTP {}", a.contrast->http_status));
  }
  if (a.reproduced()) {
    row(out, "result:", r.target_kind == "url" ? "reproduced (shows as a catalogued gateway does)"
                                               : "reproduced as catalogued");
  } else {
    row(out, "result:", "NOT reproduced as catalogued:");
    for (const auto& m : a.mismatches) more(out, "- " + m);
  }
}

}  // namespace

std::string fill(std::string_view text, const std::map<std::string, std::string>& placeholders) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const auto open = text.find('{', i);
    const auto close = open == std::string_view::npos ? open : text.find('}', open);
    if (close == std::string_view::npos) {
      out += text.substr(i);
      break;
    }
    out += text.substr(i, open - i);
    const std::string key(text.substr(open + 1, close - open - 1));
    auto it = placeholders.find(key);
    out += it != placeholders.end() ? it->second : std::string(text.substr(open, close - open + 1));
    i = close + 1;
  }
  return out;
}

std::string curl_line(const probe::Outcome& o) {
  if (o.curl_code != 0) return fmt::format("curl: ({}) {}", o.curl_code, o.curl_error);
  if (o.http_status >= 400)
    return fmt::format("curl exits 0 and prints the HTTP {} page (with -f: curl: (22) The "
                       "requested URL returned error: {})", o.http_status, o.http_status);
  return fmt::format("curl exits 0: HTTP {}", o.http_status);
}

void print_catalogue(std::ostream& out) {
  std::size_t width = 0;
  for (const auto& e : catalogue()) width = std::max(width, e.name.size());
  for (const auto& e : catalogue()) {
    std::string targets;
    for (auto k : e.targets) targets += (targets.empty() ? "" : ",") + scenario::to_string(k);
    out << fmt::format("{:<{}}  {}  [{}]\n", e.name, width, e.title, targets);
  }
  out << "\nmtls-harness repro NAME [--target embedded|nginx|https://host:port/] [--tls 1.2|1.3]\n";
}

void print_reproduction(const Reproduction& r, std::ostream& out) {
  const Entry& e = *r.entry;
  out << fmt::format("repro {} — {}\n", e.name, e.title);
  row(out, "scenario:", r.scenario_file.string() + " (case " + std::string(e.case_name) + ")");
  row(out, "target:", r.target_text);
  for (const auto& a : r.attempts) print_attempt(r, a, out);
  out << "\n";
  row(out, "cause:", std::string(e.cause));
  row(out, "fix:", std::string(e.fix));
  out << "  confirm the fix:\n";
  for (const auto& line : e.confirm) out << "    $ " << fill(line, r.placeholders) << "\n";
  out << "\n"
      << (r.reproduced() ? "reproduced: every claim of the catalogue held\n"
                         : "NOT reproduced as catalogued (see 'result' above)\n");
}

}  // namespace mtls::repro
