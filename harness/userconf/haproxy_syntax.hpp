// An HAProxy config as HAProxy's own line parser reads it (cfgparse.c parse_line): one
// statement per line, words split on blanks, backslash escapes, "double" quotes (where $VAR
// and ${VAR} expand) and 'single' quotes (literal), `#` comments; a line whose first word is
// a section keyword (global, defaults, frontend, backend, listen, resolvers...) opens a section.
// Every line is kept, comments and blanks too, so a rewrite puts back what it does not change
// byte for byte.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "userconf/where.hpp"

namespace mtls::userconf::haproxy {

struct Word {
  std::string value;  // quotes and escapes removed, environment variables left as written
  std::string raw;    // as written
};

struct Line {
  Where where;
  std::string text;         // the physical line as written, without its newline
  std::string indent;       // its leading blanks
  std::vector<Word> words;  // empty for a blank or comment-only line
  std::string comment;      // a trailing "# ..." as written, "" when none

  const std::string& word(std::size_t i) const;  // value of words[i]; "" past the end
};

struct Section {
  std::string kind;  // "global", "frontend", ...; "" for lines before the first section
  std::string name;  // "" for global/defaults without one
  Line header;       // the line opening it (no words for the leading "" section)
  std::vector<Line> lines;
};

using Config = std::vector<Section>;

// True for the keywords that open a section.
bool is_section_keyword(std::string_view word);

// Throws ConfigError naming file:line for an unterminated quote or a bad escape.
Config parse_text(std::string_view text, const std::filesystem::path& file);
Config parse_file(const std::filesystem::path& file);

// A word written so HAProxy reads `value` back: bare when it can be, else single-quoted.
std::string quote(std::string_view value);

}  // namespace mtls::userconf::haproxy
