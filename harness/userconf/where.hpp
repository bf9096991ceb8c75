// Where a directive of a user's gateway config was written, and the error a config the
// harness cannot run safely raises: both name the user's file and line, never the rendered one.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace mtls::userconf {

struct Where {
  std::filesystem::path file;
  int line = 0;
  std::string label() const;  // "api.conf:7" (the file name as the user gave it)
};

// A construct the harness cannot read or cannot rewrite without guessing: the CLI maps it to
// exit 2 (bad input) with `fix`, what the user can do about it.
struct ConfigError : std::runtime_error {
  ConfigError(Where w, const std::string& what, std::string fix);
  Where where;
  std::string problem;
  std::string fix;
};

}  // namespace mtls::userconf
