#include "cases/backend_check.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

namespace mtls::cases {
namespace {

using report::Status;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string clipped(const std::string& v) { return v.size() > 80 ? v.substr(0, 77) + "..." : v; }

// The headers worth showing: identity headers by the usual names, and every header the
// case sent or expects.
bool of_interest(const std::string& name, const scenario::Case& c) {
  const auto n = lower(name);
  if (n.starts_with("x-client") || n.starts_with("x-ssl") || n.starts_with("ssl-") || n.starts_with("ssl_") ||
      n == "x-forwarded-client-cert")
    return true;
  auto named = [&](const auto& list) {
    return std::any_of(list.begin(), list.end(), [&](const auto& h) { return lower(h.first) == n; });
  };
  return named(c.headers) || named(c.expect.backend_headers);
}

}  // namespace

std::string backend_text(const report::BackendSeen& seen, const scenario::Case& c) {
  if (!seen.reached) return "backend: not reached";
  std::string out = "backend: reached";
  for (const auto& [n, v] : seen.headers)
    if (of_interest(n, c)) out += fmt::format(", {}={}", n, clipped(v));
  return out;
}

bool header_matches(const std::string& pattern, const std::string& value) {
  // Iterative glob: `*` matches any run of characters, everything else itself.
  std::size_t p = 0, s = 0, star = std::string::npos, mark = 0;
  while (s < value.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = s;
    } else if (p < pattern.size() && pattern[p] == value[s]) {
      ++p;
      ++s;
    } else if (star != std::string::npos) {
      p = star + 1;
      s = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

report::Verdict checked_against_backend(report::Verdict v, const scenario::Case& c, scenario::TlsVersion version,
                                        const report::BackendSeen& seen) {
  const auto failed = [&](report::Verdict v, const std::string& message) {
    v.status = Status::fail;
    v.message = fmt::format("{} [TLS {}]: {}", c.name, scenario::to_string(version), message);
    return v;
  };
  v.observed_text += (v.observed_text.empty() ? "" : "; ") + backend_text(seen, c);
  if (v.status != Status::pass && v.status != Status::fail) return v;
  if (v.status == Status::fail) return v;  // already wrong; the backend's view is in observed_text
  const bool accept = c.expect.kind == scenario::ExpectKind::accept;
  const bool want_reached = c.expect.backend_reached.value_or(accept);
  if (seen.reached && !want_reached)
    return failed(std::move(v), fmt::format("the request reached the backend ({} {}) although {}: the "
                                            "application served a client the gateway should have stopped",
                                            seen.method, seen.path,
                                            accept ? "the case says it must not" : "the client was refused"));
  if (!seen.reached && want_reached)
    return failed(std::move(v), "accepted, but the request never reached the backend: the gateway answered "
                                "it itself (a return, a redirect or an error page)");
  if (!seen.reached) return v;
  for (const auto& [name, pattern] : c.expect.backend_headers) {
    const std::string* got = seen.header(name);
    if (pattern == "absent") {
      if (got)
        return failed(std::move(v), fmt::format("the backend received {}: '{}', expected it absent", name, clipped(*got)));
      continue;
    }
    if (!got)
      return failed(std::move(v), fmt::format("the backend received no {}, expected '{}'", name, pattern));
    if (!header_matches(pattern, *got))
      return failed(std::move(v), fmt::format("the backend received {}: '{}', expected '{}'", name, clipped(*got), pattern));
  }
  // A header the client sent that arrives as sent is the client speaking for the gateway.
  for (const auto& header : c.headers) {
    const auto& [name, sent] = header;
    const auto wanted = lower(name);  // a named copy: lambdas cannot capture a structured binding in clang 14
    const bool expected = std::any_of(c.expect.backend_headers.begin(), c.expect.backend_headers.end(),
                                      [&](const auto& h) { return lower(h.first) == wanted; });
    if (expected) continue;  // the case says what the backend must see
    if (const std::string* got = seen.header(name); got && *got == sent && lower(name).starts_with("x-client"))
      return failed(std::move(v), fmt::format("the backend received the client's own {}: '{}' — the gateway passed a "
                                              "forged identity header on instead of overwriting it",
                                              name, clipped(sent)));
  }
  return v;
}

}  // namespace mtls::cases
