#include "userconf/haproxy_syntax.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "common/files.hpp"

namespace mtls::userconf::haproxy {
namespace {

constexpr std::string_view kSections[] = {"global",  "defaults", "frontend",    "backend", "listen",
                                          "resolvers", "peers",  "userlist",    "mailers", "program",
                                          "http-errors", "ring", "cache",       "crt-store", "traces",
                                          "log-forward", "fcgi-app"};

bool blank(char c) { return c == ' ' || c == '\t'; }

// Splits one line; `where` for errors.
void tokenize(Line& line) {
  const std::string& s = line.text;
  std::size_t i = 0;
  while (i < s.size() && blank(s[i])) ++i;
  line.indent = s.substr(0, i);
  while (i < s.size()) {
    if (s[i] == '#') {
      line.comment = s.substr(i);
      return;
    }
    Word w;
    const std::size_t start = i;
    char quote = 0;
    while (i < s.size()) {
      const char c = s[i];
      if (quote) {
        if (c == quote) {
          quote = 0;
          ++i;
          continue;
        }
        if (quote == '"' && c == '\\' && i + 1 < s.size()) {
          w.value += s[i + 1];
          i += 2;
          continue;
        }
        w.value += c;
        ++i;
        continue;
      }
      if (blank(c) || c == '#') break;
      if (c == '"' || c == '\'') {
        quote = c;
        ++i;
        continue;
      }
      if (c == '\\') {
        if (i + 1 >= s.size())
          throw ConfigError(line.where, "a backslash ends the line: HAProxy has no line continuation",
                            "write the statement on one line");
        const char n = s[i + 1];
        w.value += n == 'n' ? '\n' : n == 't' ? '\t' : n == 'r' ? '\r' : n;
        i += 2;
        continue;
      }
      w.value += c;
      ++i;
    }
    if (quote)
      throw ConfigError(line.where, fmt::format("unmatched {} quote", quote == '"' ? "double" : "single"),
                        "close the quote on the same line");
    w.raw = s.substr(start, i - start);
    line.words.push_back(std::move(w));
    while (i < s.size() && blank(s[i])) ++i;
  }
}

}  // namespace

const std::string& Line::word(std::size_t i) const {
  static const std::string none;
  return i < words.size() ? words[i].value : none;
}

bool is_section_keyword(std::string_view word) {
  return std::find(std::begin(kSections), std::end(kSections), word) != std::end(kSections);
}

Config parse_text(std::string_view text, const std::filesystem::path& file) {
  Config out(1);
  int n = 0;
  std::size_t at = 0;
  while (at <= text.size()) {
    const auto end = text.find('\n', at);
    if (end == std::string_view::npos && at == text.size()) break;
    Line line;
    line.where = {file, ++n};
    line.text = std::string(text.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at));
    if (!line.text.empty() && line.text.back() == '\r') line.text.pop_back();
    tokenize(line);
    if (!line.words.empty() && is_section_keyword(line.words[0].value)) {
      Section s;
      s.kind = line.words[0].value;
      s.name = line.word(1);
      s.header = std::move(line);
      out.push_back(std::move(s));
    } else {
      out.back().lines.push_back(std::move(line));
    }
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  return out;
}

Config parse_file(const std::filesystem::path& file) {
  std::string text;
  try {
    text = common::read_file(file);
  } catch (const std::exception& e) {
    throw ConfigError({file, 0}, fmt::format("cannot read the config: {}", e.what()),
                      "[target] config is relative to the scenario file");
  }
  return parse_text(text, file);
}

std::string quote(std::string_view value) {
  const bool plain = !value.empty() && std::none_of(value.begin(), value.end(), [](char c) {
    return blank(c) || c == '#' || c == '"' || c == '\'' || c == '\\' || c == '$';
  });
  if (plain) return std::string(value);
  std::string out = "'";
  for (char c : value) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace mtls::userconf::haproxy
