// A Caddyfile as Caddy's own lexer reads it (caddyconfig/caddyfile/lexer.go): tokens split on
// blanks, "double quotes" with backslash escapes and `backticks` kept verbatim, `#` starting
// a comment at the start of a token, one statement per line, a `{` ending a line opening a
// block that a `}` on its own line closes; `import <file or glob>` spliced where it stands.
// Snippets `(name) { ... }` and `import name` stay for Caddy to expand. Each statement keeps
// the file and line it came from, and its physical lines, so what a rewrite does not change
// goes back byte for byte.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "userconf/where.hpp"

namespace mtls::userconf::caddy {

struct Word {
  std::string value;  // quotes removed
  std::string raw;    // as written
};

struct Statement {
  std::vector<Word> words;  // empty for a blank or comment-only line
  bool has_block = false;   // ended with `{`
  std::vector<Statement> block;
  Where where;
  std::vector<std::string> text;  // the physical lines as written (the block's opening line)
  std::string close_text;         // the line with the block's `}`
  Where close_where;
  std::string comment;            // a trailing "# ..." as written

  const std::string& word(std::size_t i) const;  // value of words[i]; "" past the end
};

using Statements = std::vector<Statement>;

// Throws ConfigError naming file:line for an unbalanced brace or an unterminated quote.
Statements parse_text(std::string_view text, const std::filesystem::path& file);

// `file` with every `import` of a file or glob spliced in (relative to the importing file's
// directory); an import naming a snippet defined in the config stays. Throws ConfigError for
// unreadable files and cycles.
Statements parse_file(const std::filesystem::path& file);

// A token written so Caddy reads `value` back: bare when it can be, else double-quoted.
std::string quote(std::string_view value);

}  // namespace mtls::userconf::caddy
