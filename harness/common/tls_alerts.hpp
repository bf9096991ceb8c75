// TLS alert descriptions (RFC 8446 §6, RFC 5246 §7.2): code <-> the names OpenSSL, curl and
// scenario files use.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mtls::common {

// "unknown_ca" for 48; "alert_<code>" for codes not in the table.
std::string alert_name(int code);
std::optional<int> alert_code(std::string_view name);
std::vector<std::string> alert_names();

}  // namespace mtls::common
