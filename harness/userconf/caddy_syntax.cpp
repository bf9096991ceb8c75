#include "userconf/caddy_syntax.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <glob.h>
#include <set>

#include "common/files.hpp"

namespace mtls::userconf::caddy {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxImportDepth = 16;

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

struct Token {
  Word word;
  int line = 0;
  bool starts_line = false;  // a newline (or the file's start) came before it
};

struct Lexed {
  std::vector<Token> tokens;
  std::vector<std::string> comments;  // per line: the trailing comment, "" when none
};

Lexed lex(std::string_view s, const fs::path& file) {
  Lexed out;
  int line = 1;
  bool fresh = true;
  auto comment_at = [&](int l) -> std::string& {
    if (static_cast<int>(out.comments.size()) <= l) out.comments.resize(l + 1);
    return out.comments[l];
  };
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '\n') {
      ++line;
      fresh = true;
      ++i;
      continue;
    }
    if (blank(c)) {
      ++i;
      continue;
    }
    if (c == '#') {
      const auto end = s.find('\n', i);
      comment_at(line) = std::string(s.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i));
      i = end == std::string_view::npos ? s.size() : end;
      continue;
    }
    Token t;
    t.line = line;
    t.starts_line = fresh;
    fresh = false;
    const std::size_t start = i;
    while (i < s.size() && !blank(s[i]) && s[i] != '\n') {
      if (s[i] == '"') {
        const int opened = line;
        ++i;
        bool closed = false;
        while (i < s.size()) {
          if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == '"' || s[i + 1] == '\\')) {
            t.word.value += s[i + 1];
            i += 2;
            continue;
          }
          if (s[i] == '"') {
            closed = true;
            ++i;
            break;
          }
          if (s[i] == '\n') ++line;
          t.word.value += s[i++];
        }
        if (!closed) throw ConfigError({file, opened}, "unmatched double quote", "close the quote");
        continue;
      }
      if (s[i] == '`') {
        const int opened = line;
        const auto end = s.find('`', i + 1);
        if (end == std::string_view::npos) throw ConfigError({file, opened}, "unmatched backtick", "close the backtick");
        for (std::size_t k = i + 1; k < end; ++k) line += s[k] == '\n';
        t.word.value += std::string(s.substr(i + 1, end - i - 1));
        i = end + 1;
        continue;
      }
      t.word.value += s[i++];
    }
    t.word.raw = std::string(s.substr(start, i - start));
    out.tokens.push_back(std::move(t));
  }
  return out;
}

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at <= text.size()) {
    const auto end = text.find('\n', at);
    out.emplace_back(text.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at));
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  if (!out.empty() && out.back().empty()) out.pop_back();  // the newline ending the last line
  return out;
}

class Parser {
 public:
  Parser(std::string_view text, const fs::path& file) : file_(file), lexed_(lex(text, file)), lines_(split_lines(text)) {}

  Statements run() {
    auto out = statements(false, 0);
    return out;
  }

 private:
  // Lines from..to (1-based, inclusive) as written; blank or comment lines between statements
  // become statements without words, so they are put back too.
  std::vector<std::string> physical(int from, int to) const {
    std::vector<std::string> out;
    for (int l = from; l <= to && l <= static_cast<int>(lines_.size()); ++l) out.push_back(lines_[l - 1]);
    return out;
  }
  void gap(Statements& out, int until) {
    for (; next_line_ < until; ++next_line_) {
      Statement s;
      s.where = {file_, next_line_};
      s.text = physical(next_line_, next_line_);
      out.push_back(std::move(s));
    }
  }
  std::string comment_of(int line) const {
    return line < static_cast<int>(lexed_.comments.size()) ? lexed_.comments[line] : "";
  }

  Statements statements(bool in_block, int opened_at) {
    Statements out;
    auto& toks = lexed_.tokens;
    while (at_ < toks.size()) {
      const int line = toks[at_].line;
      gap(out, line);
      // One statement: the tokens up to the next that starts a line.
      std::size_t end = at_ + 1;
      while (end < toks.size() && !toks[end].starts_line) ++end;
      if (end - at_ == 1 && toks[at_].word.raw == "}") {
        if (!in_block) throw ConfigError({file_, line}, "unexpected '}'", "remove it or open a block with '{'");
        close_line_ = line;
        at_ = end;
        next_line_ = line + 1;
        return out;
      }
      Statement st;
      st.where = {file_, line};
      for (std::size_t k = at_; k < end; ++k) st.words.push_back(toks[k].word);
      const int last_line = toks[end - 1].line;
      st.comment = comment_of(last_line);
      at_ = end;
      next_line_ = last_line + 1;
      for (const auto& w : st.words)
        if (w.raw == "}" && &w != &st.words.back())
          throw ConfigError(st.where, "a '}' must be on a line of its own", "move it to the next line");
      if (!st.words.empty() && st.words.back().raw == "{") {
        st.words.pop_back();
        st.has_block = true;
        st.text = physical(line, last_line);
        st.block = statements(true, line);
        st.close_text = lines_[close_line_ - 1];
        st.close_where = {file_, close_line_};
      } else {
        if (!st.words.empty() && st.words.back().raw == "}")
          throw ConfigError(st.where, "a '}' must be on a line of its own", "move it to the next line");
        st.text = physical(line, last_line);
      }
      out.push_back(std::move(st));
    }
    if (in_block) throw ConfigError({file_, opened_at}, "this block's '{' is never closed", "add a '}' line");
    gap(out, static_cast<int>(lines_.size()) + 1);
    return out;
  }

  fs::path file_;
  Lexed lexed_;
  std::vector<std::string> lines_;
  std::size_t at_ = 0;
  int next_line_ = 1;
  int close_line_ = 0;
};

void collect_snippets(const Statements& ss, std::set<std::string>& names) {
  for (const auto& s : ss)
    if (s.has_block && s.words.size() == 1 && s.word(0).size() > 2 && s.word(0).front() == '(' &&
        s.word(0).back() == ')')
      names.insert(s.word(0).substr(1, s.word(0).size() - 2));
}

// `snippets`: the names defined so far (an imported file may use its importer's).
Statements load(const fs::path& file, std::set<fs::path>& stack, int depth, const Where& from,
                std::set<std::string> snippets);

void splice(Statements& ss, const fs::path& dir, const std::set<std::string>& snippets, std::set<fs::path>& stack,
            int depth) {
  Statements out;
  for (auto& s : ss) {
    if (!s.has_block && s.word(0) == "import" && s.words.size() >= 2 && !snippets.count(s.word(1))) {
      fs::path pattern = s.word(1);
      if (pattern.is_relative()) pattern = dir / pattern;
      Statement marker;
      marker.where = s.where;
      marker.text = {"# " + s.text.front()};
      out.push_back(std::move(marker));
      std::vector<fs::path> files;
      const auto p = pattern.string();
      if (p.find_first_of("*?[") == std::string::npos) {
        files.push_back(pattern);
      } else {
        glob_t g{};
        if (::glob(p.c_str(), 0, nullptr, &g) == 0)
          for (std::size_t k = 0; k < g.gl_pathc; ++k) files.push_back(g.gl_pathv[k]);
        ::globfree(&g);
      }
      for (const auto& f : files)
        for (auto& inner : load(f, stack, depth + 1, s.where, snippets)) out.push_back(std::move(inner));
      continue;
    }
    if (s.has_block) splice(s.block, dir, snippets, stack, depth);
    out.push_back(std::move(s));
  }
  ss = std::move(out);
}

Statements load(const fs::path& file, std::set<fs::path>& stack, int depth, const Where& from,
                std::set<std::string> snippets) {
  if (depth > kMaxImportDepth)
    throw ConfigError(from, fmt::format("imports nested deeper than {}", kMaxImportDepth), "look for an import cycle");
  const auto canonical = fs::weakly_canonical(file);
  if (!stack.insert(canonical).second)
    throw ConfigError(from, fmt::format("{} imports itself", file.string()), "remove the import cycle");
  std::string text;
  try {
    text = common::read_file(file);
  } catch (const std::exception& e) {
    throw ConfigError(from.file.empty() ? Where{file, 0} : from, fmt::format("cannot read {}: {}", file.string(), e.what()),
                      "[target] config is relative to the scenario file");
  }
  auto ss = Parser(text, file).run();
  collect_snippets(ss, snippets);
  splice(ss, fs::absolute(file).parent_path(), snippets, stack, depth);
  stack.erase(canonical);
  return ss;
}

}  // namespace

const std::string& Statement::word(std::size_t i) const {
  static const std::string none;
  return i < words.size() ? words[i].value : none;
}

Statements parse_text(std::string_view text, const fs::path& file) { return Parser(text, file).run(); }

Statements parse_file(const fs::path& file) {
  std::set<fs::path> stack;
  return load(file, stack, 0, {}, {});
}

std::string quote(std::string_view value) {
  const bool plain = !value.empty() && std::none_of(value.begin(), value.end(), [](char c) {
    return blank(c) || c == '"' || c == '`' || c == '#' || c == '{' || c == '}' || c == '\\' || c == '\n';
  });
  if (plain) return std::string(value);
  std::string out = "\"";
  for (char c : value) out += c == '"' || c == '\\' ? std::string("\\") + c : std::string(1, c);
  return out + "\"";
}

}  // namespace mtls::userconf::caddy
