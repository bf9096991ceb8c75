#include "userconf/nginx_syntax.hpp"

#include <fmt/format.h>
#include <glob.h>
#include <set>

#include "common/files.hpp"

namespace mtls::userconf::nginx {
namespace fs = std::filesystem;
namespace {

constexpr int kMaxIncludeDepth = 16;

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The escapes nginx's tokenizer resolves; any other backslash stays as written.
std::string unescape(std::string_view raw) {
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\' || i + 1 == raw.size()) {
      out += raw[i];
      continue;
    }
    const char n = raw[i + 1];
    switch (n) {
      case '"': case '\'': case '\\': out += n; ++i; break;
      case 't': out += '\t'; ++i; break;
      case 'r': out += '\r'; ++i; break;
      case 'n': out += '\n'; ++i; break;
      default: out += '\\';
    }
  }
  return out;
}

// Code of another language in braces: nginx hands it to that module's own parser, so it is
// not a block of directives and the harness cannot see what it does.
bool foreign_block(std::string_view name) {
  return name.ends_with("_by_lua_block") || name.ends_with("lua_block") ||
         name.starts_with("perl") || name.starts_with("js_");
}

class Parser {
 public:
  Parser(std::string_view text, fs::path file) : text_(text), file_(std::move(file)) {}

  Directives parse() {
    auto out = directives(false);
    return out;
  }

 private:
  enum class End { semicolon, open, close, eof };

  Where here() const { return {file_, line_}; }

  [[noreturn]] void fail(int line, const std::string& what, const std::string& fix = "") const {
    throw ConfigError({file_, line}, what, fix);
  }

  // Reads words up to what ends them; the words go to `words`.
  End statement(std::vector<Word>& words, int& first_line) {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '\n') { ++line_; ++pos_; continue; }
      if (blank(c)) { ++pos_; continue; }
      if (c == '#') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
        continue;
      }
      if (c == ';' || c == '{') {
        if (words.empty()) fail(line_, fmt::format("unexpected \"{}\"", c));
        ++pos_;
        return c == ';' ? End::semicolon : End::open;
      }
      if (c == '}') {
        if (!words.empty())
          fail(line_, fmt::format("unexpected \"}}\" after \"{}\": a directive ends with \";\"",
                                  words.front().raw),
               "add the missing \";\"");
        ++pos_;
        return End::close;
      }
      if (words.empty()) first_line = line_;
      words.push_back(c == '"' || c == '\'' ? quoted(c) : bare());
    }
    if (!words.empty())
      fail(first_line, fmt::format("\"{}\" is not terminated by \";\"", words.front().raw),
           "add the missing \";\"");
    return End::eof;
  }

  Word quoted(char q) {
    const int start_line = line_;
    const std::size_t start = pos_++;
    while (pos_ < text_.size() && text_[pos_] != q) {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
      if (text_[pos_] == '\n') ++line_;
      ++pos_;
    }
    if (pos_ >= text_.size()) fail(start_line, fmt::format("unterminated {} quote", q == '"' ? "double" : "single"));
    ++pos_;
    // nginx wants a blank, ";" or "{" after a closing quote.
    if (pos_ < text_.size() && !blank(text_[pos_]) && text_[pos_] != ';' && text_[pos_] != '{' &&
        text_[pos_] != ')')
      fail(line_, fmt::format("unexpected \"{}\" after a quoted string", text_[pos_]));
    const auto raw = text_.substr(start, pos_ - start);
    return {unescape(raw.substr(1, raw.size() - 2)), std::string(raw)};
  }

  Word bare() {
    const std::size_t start = pos_;
    bool variable = false;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '{' && variable) { ++pos_; continue; }  // ${name}
      variable = false;
      if (c == '\\' && pos_ + 1 < text_.size()) {
        if (text_[pos_ + 1] == '\n') ++line_;
        pos_ += 2;
        continue;
      }
      if (c == '$') variable = true;
      else if (blank(c) || c == ';' || c == '{') break;
      ++pos_;
    }
    const auto raw = text_.substr(start, pos_ - start);
    return {unescape(raw), std::string(raw)};
  }

  Directives directives(bool in_block) {
    Directives out;
    const int open_line = line_;
    for (;;) {
      std::vector<Word> words;
      int first = line_;
      const End end = statement(words, first);
      if (end == End::eof) {
        if (in_block) fail(open_line, "a \"{\" is never closed", "add the missing \"}\"");
        return out;
      }
      if (end == End::close) {
        if (!in_block) fail(line_, "unexpected \"}\": no block is open", "remove it");
        return out;
      }
      Directive d;
      d.name = words.front().value;
      d.raw_name = words.front().raw;
      d.args.assign(words.begin() + 1, words.end());
      d.where = {file_, first};
      if (end == End::open) {
        if (foreign_block(d.name))
          fail(first, fmt::format("\"{}\" holds code for another module (Lua, Perl, njs), which "
                                  "the harness cannot read or rewrite", d.name),
               "gate a config without it, or run this gateway yourself and use kind = \"external\"");
        d.has_block = true;
        d.block = directives(true);
      }
      out.push_back(std::move(d));
    }
  }

  std::string_view text_;
  fs::path file_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

std::vector<fs::path> expand(const fs::path& pattern, const Directive& inc) {
  const std::string p = pattern.string();
  if (p.find_first_of("*?[") == std::string::npos) {
    std::error_code ec;
    if (!fs::is_regular_file(pattern, ec))
      throw ConfigError(inc.where, fmt::format("include {}: no such file", p),
                        "nginx resolves a relative include against the main config's directory");
    return {pattern};
  }
  glob_t g{};
  const int rc = ::glob(p.c_str(), 0, nullptr, &g);
  std::vector<fs::path> out;
  if (rc == 0)
    for (std::size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  ::globfree(&g);
  if (rc != 0 && rc != GLOB_NOMATCH)
    throw ConfigError(inc.where, fmt::format("include {}: the pattern cannot be expanded", p), "");
  return out;  // glob(3) sorts, as nginx's does
}

void splice(Directives& in, const fs::path& conf_dir, std::vector<fs::path>& stack);

Directives read_one(const fs::path& file, const fs::path& conf_dir, std::vector<fs::path>& stack,
                    const Where& from) {
  const auto canonical = fs::weakly_canonical(file);
  for (const auto& open : stack)
    if (open == canonical)
      throw ConfigError(from, fmt::format("{} includes itself", file.string()), "remove the cycle");
  if (static_cast<int>(stack.size()) >= kMaxIncludeDepth)
    throw ConfigError(from, "includes nest deeper than 16 files", "");
  std::string text;
  try {
    text = common::read_file(file);
  } catch (const std::exception& e) {
    throw ConfigError(from, e.what(), "");
  }
  auto out = Parser(text, file).parse();
  stack.push_back(canonical);
  splice(out, conf_dir, stack);
  stack.pop_back();
  return out;
}

void splice(Directives& in, const fs::path& conf_dir, std::vector<fs::path>& stack) {
  Directives out;
  for (auto& d : in) {
    if (d.name == "include" && !d.has_block) {
      if (d.args.size() != 1)
        throw ConfigError(d.where, "include takes exactly one file or pattern", "");
      fs::path p = d.arg(0);
      if (p.is_relative()) p = conf_dir / p;
      for (const auto& f : expand(p, d))
        for (auto& inner : read_one(f, conf_dir, stack, d.where)) out.push_back(std::move(inner));
      continue;
    }
    if (d.has_block) splice(d.block, conf_dir, stack);
    out.push_back(std::move(d));
  }
  in = std::move(out);
}

}  // namespace

const std::string& Directive::arg(std::size_t i) const {
  static const std::string none;
  return i < args.size() ? args[i].value : none;
}

Directives parse_text(std::string_view text, const fs::path& file) {
  return Parser(text, file).parse();
}

Directives parse_file(const fs::path& file) {
  std::vector<fs::path> stack;
  return read_one(file, fs::absolute(file).parent_path(), stack, {file, 0});
}

std::string quote(std::string_view value) {
  const bool bare = !value.empty() &&
                    value.find_first_of(" \t\r\n;{}\"'\\#") == std::string_view::npos;
  if (bare) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace mtls::userconf::nginx
