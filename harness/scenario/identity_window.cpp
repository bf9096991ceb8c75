#include "scenario/identity_window.hpp"

#include <fmt/core.h>
#include <optional>

namespace mtls::scenario::detail {
namespace {

// A century either way: far beyond any useful window, and day arithmetic cannot overflow.
constexpr int kMaxDays = 36500;

struct Window {
  int not_before;
  int not_after;
};

// An expired certificate ended yesterday after a month; a not-yet-valid one starts
// tomorrow. Everything else is valid from yesterday (clock skew) for validity_days.
Window default_window(Fault f, int validity_days) {
  switch (f) {
    case Fault::expired: return {-30, -1};
    case Fault::not_yet_valid: return {1, 1 + validity_days};
    default: return {-1, validity_days};
  }
}

struct Bound {
  std::string_view key;
  int value;
  bool given;  // written in the file, not defaulted
};

std::string describe(const Bound& b, Fault f) {
  if (b.given) return fmt::format("{} ({})", b.key, b.value);
  return fmt::format("{} ({}, the default for fault '{}')", b.key, b.value, to_string(f));
}

}  // namespace

void read_window(Reader& r, const toml::table& t, const std::string& path, const Pki& pki,
                 Identity& id) {
  Window d = default_window(id.fault, pki.validity_days);
  auto nb = r.integer(t, "not_before_days", path, -kMaxDays, kMaxDays);
  auto na = r.integer(t, "not_after_days", path, -kMaxDays, kMaxDays);
  // A bad value is already reported; judging the window with a stand-in would mislead.
  if ((t.contains("not_before_days") && !nb) || (t.contains("not_after_days") && !na)) return;
  Bound before{"not_before_days", nb.value_or(d.not_before), nb.has_value()};
  Bound after{"not_after_days", na.value_or(d.not_after), na.has_value()};
  id.not_before_days = before.value;
  id.not_after_days = after.value;

  auto report = [&](const Bound& b, std::string message, std::string suggestion) {
    r.error(Reader::at(t, b.key), join(path, b.key), std::move(message), std::move(suggestion));
  };
  const Fault f = id.fault;
  if (after.value <= before.value)
    report(after.given ? after : before,
           fmt::format("impossible validity window: {} is not after {}", describe(after, f),
                       describe(before, f)),
           "not_after_days must be greater than not_before_days; set both");
  if (f == Fault::expired && after.value >= 0)
    report(after, fmt::format("an expired identity must have ended: not_after_days is {}", after.value),
           "use a negative value, e.g. not_after_days = -1");
  if (f == Fault::not_yet_valid && before.value <= 0)
    report(before,
           fmt::format("a not-yet-valid identity must start in the future: not_before_days is {}",
                       before.value),
           "use 1 or more, e.g. not_before_days = 1");
  if (f != Fault::expired && f != Fault::not_yet_valid) {
    // Otherwise the gateway could refuse it for its dates, not for the fault under test.
    if (before.value > 0)
      report(before,
             fmt::format("this window starts in the future ({}), so the certificate is not yet "
                         "valid, but fault is '{}'",
                         describe(before, f), to_string(f)),
             "use not_before_days <= 0, or fault = \"not-yet-valid\"");
    if (after.value <= 0)
      report(after,
             fmt::format("this window has ended ({}), so the certificate is expired, but fault is '{}'",
                         describe(after, f), to_string(f)),
             "use not_after_days >= 1, or fault = \"expired\"");
  }
  // Defaults stay inside the CA by construction ([pki] checks validity_days).
  if (after.given && after.value > pki.ca_validity_days)
    report(after,
           fmt::format("the window ends after the CA does: not_after_days is {}, ca_validity_days is {}",
                       after.value, pki.ca_validity_days),
           fmt::format("use at most {}, or raise [pki] ca_validity_days", pki.ca_validity_days));
}

}  // namespace mtls::scenario::detail
