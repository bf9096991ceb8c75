// Text into HTML: every case name, DN, error text and target log line goes through here.
#pragma once

#include <string>
#include <string_view>

namespace mtls::report::html {

// &, <, >, " and ' as entities (safe in text and in quoted attributes); control characters
// other than tab and newline become spaces, so the page stays well-formed whatever a gateway
// or a library put in its message.
std::string escape(std::string_view text);

}  // namespace mtls::report::html
