#include "userconf/where.hpp"

#include <fmt/format.h>

namespace mtls::userconf {

std::string Where::label() const {
  return line > 0 ? fmt::format("{}:{}", file.string(), line) : file.string();
}

ConfigError::ConfigError(Where w, const std::string& what, std::string f)
    : std::runtime_error(fmt::format("{}: {}{}", w.label(), what, f.empty() ? "" : " (" + f + ")")),
      where(std::move(w)), problem(what), fix(std::move(f)) {}

}  // namespace mtls::userconf
