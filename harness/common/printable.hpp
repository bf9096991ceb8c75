// Text from outside (a gateway's body and headers, a scenario's names, a certificate's
// subject) made safe for a terminal: control characters cannot move the cursor, clear the
// screen or retitle the window.
#pragma once

#include <string>
#include <string_view>

namespace mtls::common {

// C0 controls (but tab), DEL and the UTF-8 encodings of C1 controls as \xNN; newlines as \n.
std::string printable(std::string_view text);

// The same for a multi-line report: line breaks kept, every other control escaped.
std::string printable_lines(std::string_view text);

}  // namespace mtls::common
