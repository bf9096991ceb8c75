#include "cases/target_log.hpp"

#include <fmt/format.h>

namespace mtls::cases {

Verdict checked_against_log(Verdict judged, const std::string& case_name,
                            scenario::TlsVersion version, const InternalErrorSource& source) {
  if (!source) return judged;
  const auto line = source();
  if (!line) return judged;
  judged.status = Status::error;
  judged.observed = Observed::target_misbehaved;
  judged.message = fmt::format("{} [TLS {}]: expected {}, but the target misbehaved: {}", case_name,
                               scenario::to_string(version), judged.expected_text, *line);
  return judged;
}

}  // namespace mtls::cases
