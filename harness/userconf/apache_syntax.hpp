// An Apache httpd config as httpd reads it (util.c ap_cfg_getline, ap_getword_conf): one
// directive per logical line (a trailing backslash continues it), `#` comments on their own
// lines only, "double" or 'single' quoted arguments, `<Section args>` ... `</Section>`;
// `Include` / `IncludeOptional` (with globs) spliced in where they stand, each directive
// keeping the file and line it came from.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "userconf/where.hpp"

namespace mtls::userconf::apache {

struct Word {
  std::string value;  // quotes removed
  std::string raw;    // as written
};

struct Directive {
  std::string name;      // as written ("SSLVerifyClient", "VirtualHost" for a section)
  std::vector<Word> args;
  bool section = false;  // <Name args> ... </Name>
  std::vector<Directive> block;
  Where where;
  std::vector<std::string> text;  // the physical lines as written (a section: its opening line)
  std::string close_text;         // a section's closing line as written
  Where close_where;

  const std::string& arg(std::size_t i) const;  // value of args[i]; "" past the end
  bool is(std::string_view n) const;            // case-insensitive, as httpd compares names
};

using Directives = std::vector<Directive>;

// One file's directives; Include stays a directive. Throws ConfigError naming file:line for
// an unclosed or mismatched section, or an unterminated quote.
Directives parse_text(std::string_view text, const std::filesystem::path& file);

// `file` with every Include / IncludeOptional spliced in: a relative path resolves against
// `root` (the directory that stands for ServerRoot: the config's own directory), a glob may
// match nothing for IncludeOptional only. Throws ConfigError for unreadable files and cycles.
Directives parse_file(const std::filesystem::path& file, const std::filesystem::path& root);

// A word written so httpd reads `value` back: bare when it can be, else double-quoted.
std::string quote(std::string_view value);

bool iequals(std::string_view a, std::string_view b);

}  // namespace mtls::userconf::apache
