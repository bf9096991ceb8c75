#include <fmt/core.h>

#include "scenario/loader.hpp"

namespace mtls::scenario {

// The compiler's format, so editors and CI log parsers jump straight to the place.
std::string Diagnostic::to_string() const {
  std::string out = file.string();
  if (line > 0) out += fmt::format(":{}:{}", line, column);
  out += ": ";
  if (!key_path.empty()) out += key_path + ": ";
  out += message;
  if (!suggestion.empty()) out += " (" + suggestion + ")";
  return out;
}

}  // namespace mtls::scenario
