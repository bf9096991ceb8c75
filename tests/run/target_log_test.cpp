// A verdict checked against the gateway's own log (cases/target_log.hpp): a probe during which
// the gateway logged an internal failure is an error of class target_misbehaved, whatever the
// client saw and whatever the case expected; without such a line the verdict is untouched.
#include <catch2/catch.hpp>

#include "cases/target_log.hpp"

using namespace mtls;
using scenario::ExpectKind;
using scenario::TlsVersion;

namespace {

probe::Outcome http(int status) {
  probe::Outcome o;
  o.tcp = probe::TcpResult::connected;
  o.handshake_done = true;
  o.certificate_requested = true;
  o.http_status = status;
  return o;
}

scenario::Case make_case(const std::string& name, ExpectKind kind) {
  scenario::Case c;
  c.name = name;
  c.identity = name;
  c.expect.kind = kind;
  return c;
}

constexpr const char* kLine =
    "apache error log: [Thu Dec 03 08:18:57.864077 2026] [core:error] [pid 16316:tid 16318] "
    "(13)Permission denied: [client 127.0.0.1:40410] AH00035: access to / denied (filesystem "
    "path '/tmp/tmp.Qx3Ab9/rt') because search permissions are missing on a component of the path";

struct Row {
  const char* name;
  ExpectKind kind;
  int status;                 // what the client saw
  cases::Status judged;       // the verdict without the log
  const char* expected_text;  // as judge() writes it
};

constexpr Row kRows[] = {
    {"valid", ExpectKind::accept, 403, cases::Status::fail, "accept"},
    // Refused, as the case wanted, but because the gateway broke: not a pass either.
    {"stranger", ExpectKind::reject, 403, cases::Status::pass, "reject"},
    {"valid", ExpectKind::accept, 200, cases::Status::pass, "accept"},
};

}  // namespace

TEST_CASE("an internal line in the gateway's log makes the case target_misbehaved", "[target-log]") {
  const auto& row = GENERATE(from_range(std::begin(kRows), std::end(kRows)));
  const auto c = make_case(row.name, row.kind);
  const std::string profile = "apache";
  const auto judged = cases::judge({c, TlsVersion::tls1_3, scenario::Fault::none, profile}, http(row.status));
  INFO(row.name << " HTTP " << row.status << ": " << judged.message);
  REQUIRE(judged.status == row.judged);
  REQUIRE(judged.expected_text == row.expected_text);

  const auto v = cases::checked_against_log(judged, row.name, TlsVersion::tls1_3,
                                            [] { return std::optional<std::string>(kLine); });
  CHECK(v.status == cases::Status::error);
  CHECK(v.observed == cases::Observed::target_misbehaved);
  CHECK(v.message == std::string(row.name) + " [TLS 1.3]: expected " + row.expected_text +
                         ", but the target misbehaved: " + kLine);
  CHECK(v.observed_text == judged.observed_text);  // what the wire showed is kept
}

TEST_CASE("without an internal line the verdict is the judged one", "[target-log]") {
  const auto c = make_case("valid", ExpectKind::accept);
  const std::string profile = "apache";
  const auto judged = cases::judge({c, TlsVersion::tls1_2, scenario::Fault::none, profile}, http(403));
  for (const cases::InternalErrorSource& source :
       {cases::InternalErrorSource{}, cases::InternalErrorSource([] { return std::optional<std::string>(); })}) {
    const auto v = cases::checked_against_log(judged, "valid", TlsVersion::tls1_2, source);
    CHECK(v.status == judged.status);
    CHECK(v.observed == judged.observed);
    CHECK(v.message == judged.message);
  }
}
