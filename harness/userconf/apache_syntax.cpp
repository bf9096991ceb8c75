#include "userconf/apache_syntax.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <glob.h>
#include <set>

#include "common/files.hpp"

namespace mtls::userconf::apache {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxIncludeDepth = 16;

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string trim(std::string_view s) {
  std::size_t a = 0, b = s.size();
  while (a < b && blank(s[a])) ++a;
  while (b > a && blank(s[b - 1])) --b;
  return std::string(s.substr(a, b - a));
}

// ap_getword_conf: quoted words lose their quotes (a backslash escapes the quote character
// inside them); bare words end at a blank.
std::vector<Word> words_of(std::string_view s, const Where& w) {
  std::vector<Word> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && blank(s[i])) ++i;
    if (i >= s.size()) break;
    const std::size_t start = i;
    Word word;
    if (s[i] == '"' || s[i] == '\'') {
      const char q = s[i++];
      bool closed = false;
      while (i < s.size()) {
        if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == q || s[i + 1] == '\\')) {
          word.value += s[i + 1];
          i += 2;
          continue;
        }
        if (s[i] == q) {
          closed = true;
          ++i;
          break;
        }
        word.value += s[i++];
      }
      if (!closed)
        throw ConfigError(w, fmt::format("unmatched {} quote", q == '"' ? "double" : "single"),
                          "close the quote before the end of the directive");
    } else {
      while (i < s.size() && !blank(s[i])) word.value += s[i++];
    }
    word.raw = std::string(s.substr(start, i - start));
    out.push_back(std::move(word));
  }
  return out;
}

struct Logical {
  std::string text;                 // joined, trimmed
  std::vector<std::string> physical;
  Where where;
};

std::vector<Logical> logical_lines(std::string_view text, const fs::path& file) {
  std::vector<Logical> out;
  int n = 0;
  Logical cur;
  std::size_t at = 0;
  while (at < text.size()) {
    auto end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(at, end - at));
    at = end + 1;
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (cur.physical.empty()) cur.where = {file, n};
    cur.physical.push_back(line);
    if (!line.empty() && line.back() == '\\') {
      cur.text += line.substr(0, line.size() - 1);
      continue;
    }
    cur.text += line;
    cur.text = trim(cur.text);
    out.push_back(std::move(cur));
    cur = {};
  }
  if (!cur.physical.empty()) {
    cur.text = trim(cur.text);
    out.push_back(std::move(cur));
  }
  return out;
}

Directives parse_lines(const std::vector<Logical>& lines, std::size_t& i, const Directive* open,
                       const fs::path& file) {
  Directives out;
  for (; i < lines.size(); ++i) {
    const auto& l = lines[i];
    if (l.text.empty() || l.text.front() == '#') {
      Directive c;  // kept so the rewrite can put comments and blank lines back
      c.where = l.where;
      c.text = l.physical;
      out.push_back(std::move(c));
      continue;
    }
    if (l.text.starts_with("</")) {
      std::string name = trim(l.text.substr(2, l.text.size() - 2 - (l.text.back() == '>' ? 1 : 0)));
      if (!open)
        throw ConfigError(l.where, fmt::format("</{}> without a matching <{}>", name, name),
                          "remove it or open the section");
      if (!iequals(name, open->name))
        throw ConfigError(l.where, fmt::format("</{}> closes <{}> opened at line {}", name, open->name,
                                               open->where.line),
                          fmt::format("close it with </{}>", open->name));
      return out;
    }
    Directive d;
    d.where = l.where;
    d.text = l.physical;
    if (l.text.front() == '<') {
      if (l.text.back() != '>')
        throw ConfigError(l.where, fmt::format("{}: a section line must end with '>'", l.text),
                          "write it as <VirtualHost *:443>");
      auto words = words_of(std::string_view(l.text).substr(1, l.text.size() - 2), l.where);
      if (words.empty()) throw ConfigError(l.where, "an empty <> section", "name the section");
      d.name = words.front().value;
      d.args.assign(words.begin() + 1, words.end());
      d.section = true;
      ++i;
      d.block = parse_lines(lines, i, &d, file);
      if (i >= lines.size())
        throw ConfigError(l.where, fmt::format("<{}> is never closed", d.name),
                          fmt::format("add </{}>", d.name));
      d.close_text = lines[i].physical.front();
      d.close_where = lines[i].where;
    } else {
      auto words = words_of(l.text, l.where);
      d.name = words.front().value;
      d.args.assign(words.begin() + 1, words.end());
    }
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<fs::path> expand(const fs::path& pattern, bool optional, const Where& w) {
  const std::string p = pattern.string();
  if (p.find_first_of("*?[") == std::string::npos) {
    if (fs::is_directory(pattern)) {  // httpd includes every file of a directory
      std::vector<fs::path> files;
      for (const auto& e : fs::directory_iterator(pattern))
        if (e.is_regular_file()) files.push_back(e.path());
      std::sort(files.begin(), files.end());
      return files;
    }
    if (!fs::exists(pattern)) {
      if (optional) return {};
      throw ConfigError(w, fmt::format("Include {}: no such file", p),
                        "relative paths resolve against the config's directory (standing for ServerRoot)");
    }
    return {pattern};
  }
  glob_t g{};
  const int rc = ::glob(p.c_str(), 0, nullptr, &g);
  std::vector<fs::path> out;
  if (rc == 0)
    for (std::size_t k = 0; k < g.gl_pathc; ++k) out.push_back(g.gl_pathv[k]);
  ::globfree(&g);
  if (out.empty() && !optional)
    throw ConfigError(w, fmt::format("Include {}: the pattern matches no file", p),
                      "use IncludeOptional for a pattern that may match nothing");
  return out;
}

Directives load(const fs::path& file, const fs::path& root, std::set<fs::path>& stack, int depth,
                const Where& from);

void splice(Directives& ds, const fs::path& root, std::set<fs::path>& stack, int depth) {
  Directives out;
  for (auto& d : ds) {
    if (!d.section && (d.is("Include") || d.is("IncludeOptional")) && !d.args.empty()) {
      fs::path pattern = d.arg(0);
      if (pattern.is_relative()) pattern = root / pattern;
      Directive marker;  // the Include line stays as a comment, so the rendered copy shows it
      marker.where = d.where;
      marker.text = {"# " + d.text.front()};
      out.push_back(std::move(marker));
      for (const auto& f : expand(pattern, d.is("IncludeOptional"), d.where))
        for (auto& inner : load(f, root, stack, depth + 1, d.where)) out.push_back(std::move(inner));
      continue;
    }
    if (d.section) splice(d.block, root, stack, depth);
    out.push_back(std::move(d));
  }
  ds = std::move(out);
}

Directives load(const fs::path& file, const fs::path& root, std::set<fs::path>& stack, int depth,
                const Where& from) {
  if (depth > kMaxIncludeDepth)
    throw ConfigError(from, fmt::format("includes nested deeper than {}", kMaxIncludeDepth), "look for an include cycle");
  const auto canonical = fs::weakly_canonical(file);
  if (!stack.insert(canonical).second)
    throw ConfigError(from, fmt::format("{} includes itself", file.string()), "remove the include cycle");
  std::string text;
  try {
    text = common::read_file(file);
  } catch (const std::exception& e) {
    throw ConfigError(from.file.empty() ? Where{file, 0} : from, fmt::format("cannot read {}: {}", file.string(), e.what()),
                      "[target] config is relative to the scenario file");
  }
  auto ds = parse_text(text, file);
  splice(ds, root, stack, depth);
  stack.erase(canonical);
  return ds;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

const std::string& Directive::arg(std::size_t i) const {
  static const std::string none;
  return i < args.size() ? args[i].value : none;
}

bool Directive::is(std::string_view n) const { return iequals(name, n); }

Directives parse_text(std::string_view text, const fs::path& file) {
  const auto lines = logical_lines(text, file);
  std::size_t i = 0;
  return parse_lines(lines, i, nullptr, file);
}

Directives parse_file(const fs::path& file, const fs::path& root) {
  std::set<fs::path> stack;
  return load(file, root, stack, 0, {});
}

std::string quote(std::string_view value) {
  const bool plain = !value.empty() && std::none_of(value.begin(), value.end(), [](char c) {
    return blank(c) || c == '"' || c == '\'' || c == '\\' || c == '#' || c == '<' || c == '>';
  });
  if (plain) return std::string(value);
  std::string out = "\"";
  for (char c : value) out += c == '"' || c == '\\' ? std::string("\\") + c : std::string(1, c);
  return out + "\"";
}

}  // namespace mtls::userconf::apache
