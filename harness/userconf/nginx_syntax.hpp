// An nginx config as nginx's own tokenizer reads it (ngx_conf_file.c): words separated by
// blanks, `;` ending a directive, `{ }` blocks, "double" and 'single' quotes with backslash
// escapes, `#` comments, `${var}` inside a word; `include` (with globs) spliced in where it
// stands, each directive keeping the file and line it came from.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "userconf/where.hpp"

namespace mtls::userconf::nginx {

struct Word {
  std::string value;  // escapes and quotes removed: what nginx sees
  std::string raw;    // as written, quotes included: what a rewrite puts back unchanged
};

struct Directive {
  std::string name;
  std::string raw_name;  // as written: a map key may be quoted ("CN=a" 1;)
  std::vector<Word> args;
  bool has_block = false;
  std::vector<Directive> block;
  Where where;

  const std::string& arg(std::size_t i) const;  // value of args[i]; "" past the end
};

using Directives = std::vector<Directive>;

// One file's directives; `include` stays a directive. Throws ConfigError naming file:line
// for unbalanced braces, an unterminated quote, a directive without `;`, or a block whose
// contents are not nginx syntax (Lua, Perl, njs code).
Directives parse_text(std::string_view text, const std::filesystem::path& file);

// `file` and everything it includes: relative include paths resolve against `file`'s
// directory (nginx's conf prefix), a glob may match nothing, a plain path must exist.
// Throws ConfigError for unreadable files and include cycles.
Directives parse_file(const std::filesystem::path& file);

// A word written so nginx reads `value` back: bare when it can be, else double-quoted.
std::string quote(std::string_view value);

}  // namespace mtls::userconf::nginx
