// What the recording backend saw, judged: tables of cases for the header patterns and for each
// way a case fails by the backend's view (refused yet reached, accepted yet never reached, a
// header other than expected, a forged identity header passed on), and what is left alone.
#include <catch2/catch.hpp>

#include "cases/backend_check.hpp"

using namespace mtls;
using report::Status;

namespace {

report::BackendSeen reached(std::vector<std::pair<std::string, std::string>> headers) {
  report::BackendSeen s;
  s.reached = true;
  s.method = "GET";
  s.path = "/";
  s.headers = std::move(headers);
  return s;
}

scenario::Case a_case(scenario::ExpectKind kind) {
  scenario::Case c;
  c.name = "c";
  c.expect.kind = kind;
  return c;
}

report::Verdict passing() {
  report::Verdict v;
  v.observed_text = "HTTP 200";
  return v;
}

}  // namespace

TEST_CASE("backend headers: exact values and globs") {
  struct Row { const char* pattern; const char* value; bool match; };
  const Row rows[] = {
      {"SUCCESS", "SUCCESS", true},          {"SUCCESS", "FAILED:x", false},
      {"CN=alice,*", "CN=alice,O=Example", true}, {"CN=alice,*", "CN=alicex,O=E", false},
      {"*CN=alice*", "/O=E/CN=alice", true}, {"*", "", true},
      {"a*b*c", "aXXbYYc", true},            {"a*b*c", "aXXbYY", false},
      {"", "", true},                        {"", "x", false},
  };
  for (const auto& r : rows) {
    INFO(r.pattern << " vs " << r.value);
    CHECK(cases::header_matches(r.pattern, r.value) == r.match);
  }
}

TEST_CASE("backend check: each way a case fails by what the backend saw") {
  using K = scenario::ExpectKind;
  struct Row {
    const char* what;
    K kind;
    std::optional<bool> want_reached;
    std::vector<std::pair<std::string, std::string>> sent;
    std::vector<std::pair<std::string, std::string>> expected;
    std::optional<report::BackendSeen> seen;  // nullopt: not reached
    Status status;
    const char* message;
  };
  const std::vector<Row> rows = {
      {"refused yet reached", K::reject, {}, {}, {}, reached({}), Status::fail,
       "c [TLS 1.3]: the request reached the backend (GET /) although the client was refused"},
      {"accepted, not reached", K::accept, {}, {}, {}, std::nullopt, Status::fail,
       "c [TLS 1.3]: accepted, but the request never reached the backend"},
      {"accepted, reached", K::accept, {}, {}, {}, reached({}), Status::pass, ""},
      {"refused, not reached", K::reject, {}, {}, {}, std::nullopt, Status::pass, ""},
      {"answered by the gateway on purpose", K::accept, false, {}, {}, std::nullopt, Status::pass, ""},
      {"header as expected", K::accept, {}, {}, {{"X-Client-Verify", "SUCCESS"}}, reached({{"x-client-verify", "SUCCESS"}}),
       Status::pass, ""},
      {"header other than expected", K::accept, {}, {}, {{"X-Client-Verify", "SUCCESS"}},
       reached({{"X-Client-Verify", "NONE"}}), Status::fail,
       "c [TLS 1.3]: the backend received X-Client-Verify: 'NONE', expected 'SUCCESS'"},
      {"header missing", K::accept, {}, {}, {{"X-Client-DN", "CN=*"}}, reached({}), Status::fail,
       "c [TLS 1.3]: the backend received no X-Client-DN, expected 'CN=*'"},
      {"header that must be absent", K::accept, {}, {}, {{"X-Client-DN", "absent"}}, reached({{"X-Client-DN", "CN=a"}}),
       Status::fail, "c [TLS 1.3]: the backend received X-Client-DN: 'CN=a', expected it absent"},
      {"forged header passed on", K::accept, {}, {{"X-Client-DN", "CN=admin"}}, {}, reached({{"X-Client-DN", "CN=admin"}}),
       Status::fail, "c [TLS 1.3]: the backend received the client's own X-Client-DN: 'CN=admin'"},
      {"forged header replaced", K::accept, {}, {{"X-Client-DN", "CN=admin"}}, {}, reached({{"X-Client-DN", "CN=alice"}}),
       Status::pass, ""},
      {"other sent header passes through", K::accept, {}, {{"X-Request-Id", "7"}}, {}, reached({{"X-Request-Id", "7"}}),
       Status::pass, ""},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    auto c = a_case(r.kind);
    c.expect.backend_reached = r.want_reached;
    c.headers = r.sent;
    c.expect.backend_headers = r.expected;
    const auto seen = r.seen.value_or(report::BackendSeen{});
    const auto v = cases::checked_against_backend(passing(), c, scenario::TlsVersion::tls1_3, seen);
    CHECK(v.status == r.status);
    CHECK_THAT(v.message, Catch::StartsWith(r.message));
    CHECK_THAT(v.observed_text, Catch::StartsWith(seen.reached ? "HTTP 200; backend: reached" : "HTTP 200; backend: not reached"));
  }
}

TEST_CASE("backend check: a verdict that is already an error or a failure stays what it is") {
  auto c = a_case(scenario::ExpectKind::reject);
  for (auto status : {Status::error, Status::fail, Status::skipped, Status::inconclusive}) {
    report::Verdict v = passing();
    v.status = status;
    v.message = "kept";
    const auto out = cases::checked_against_backend(v, c, scenario::TlsVersion::tls1_2, reached({}));
    CHECK(out.status == status);
    CHECK(out.message == "kept");
  }
}
