// The verdict kinds and observation classes, each declared once. Every writer (terminal,
// report.json and its reader, JUnit, summary.md, report.html) expands these lists, so a new
// kind reaches all of them or fails to compile.
#pragma once

#include <array>
#include <string_view>

#include <string>

#include "report/model/observed.hpp"

namespace mtls::report {

// X(kind, json name, words for people, fails the run, junit element, terminal colour,
//   terminal line label: "" for a kind that gets no line of its own under the table)
//   pass          the gateway did what the case expects, for the reason the case is about
//   fail          it did not
//   error         the probe or the target failed for reasons of their own: nothing was judged
//   inconclusive  the gateway refused, but the refusal cannot be about the fault under test
//                 (it does not trust the identity's issuer; it never asked for a certificate)
//   not_checkable the gateway's profile says it cannot refuse this fault at all
//   skipped       the case is disabled in the scenario, with a reason
#define MTLS_VERDICT_KINDS(X)                                        \
  X(pass, "pass", "pass", false, "", "32", "")                                       \
  X(fail, "fail", "fail", true, "failure", "31", "MISMATCH")                         \
  X(error, "error", "error", true, "error", "31", "ERROR")                            \
  X(inconclusive, "inconclusive", "inconclusive", true, "error", "35", "INCONCLUSIVE") \
  X(not_checkable, "not_checkable", "not checkable", false, "skipped", "33", "NOT CHECKABLE") \
  X(skipped, "skipped", "skipped", false, "skipped", "33", "")

enum class Status {
#define MTLS_X(kind, json, words, fails, junit, colour, label) kind,
  MTLS_VERDICT_KINDS(MTLS_X)
#undef MTLS_X
};

struct StatusInfo {
  Status status;
  std::string_view json;    // report.json "verdict"
  std::string_view words;   // terminal, summary.md, report.html
  bool fails_run;           // counts against exit code 0
  std::string_view junit;   // element inside <testcase>: failure, error, skipped, or none
  std::string_view colour;  // ANSI SGR code
  std::string_view label;   // terminal: the line under the table that explains this case
};

inline constexpr std::array kStatuses = {
#define MTLS_X(kind, json, words, fails, junit, colour, label) \
  StatusInfo{Status::kind, json, words, fails, junit, colour, label},
    MTLS_VERDICT_KINDS(MTLS_X)
#undef MTLS_X
};

constexpr const StatusInfo& info(Status s) { return kStatuses[static_cast<std::size_t>(s)]; }

std::string to_string(Status);  // the json name: "not_checkable"
std::string words(Status);      // for people: "not checkable"

// A case's verdict: what was expected, what was seen (classified by probe::classify), and why
// the status follows from the two.
struct Verdict {
  Status status = Status::pass;
  Observed observed = Observed::accepted;
  std::string expected_text;  // "reject at TLS (certificate_expired)"
  std::string observed_text;  // "TLS alert certificate_expired (during handshake)"
  std::string message;        // one line; empty when passing
};

}  // namespace mtls::report
