// A strict reading of the generated page: every element closed in order, every attribute
// quoted, every '&' an entity. Stricter than a browser on purpose, so markup that only a
// forgiving parser would accept fails here.
#pragma once

#include <cctype>
#include <string>
#include <vector>

namespace mtls::test {

// Empty when well-formed, else the first problem and its byte offset.
inline std::string html_problem(const std::string& page) {
  std::vector<std::string> open;
  std::size_t i = 0;
  auto at = [&](std::size_t pos, const std::string& what) {
    return what + " at byte " + std::to_string(pos);
  };
  auto check_entity = [&](std::size_t amp) -> bool {
    std::size_t j = amp + 1;
    if (j < page.size() && page[j] == '#') ++j;
    std::size_t start = j;
    while (j < page.size() && std::isalnum(static_cast<unsigned char>(page[j]))) ++j;
    return j > start && j < page.size() && page[j] == ';';
  };
  while (i < page.size()) {
    const char ch = page[i];
    if (ch == '&') {
      if (!check_entity(i)) return at(i, "bare '&'");
      ++i;
      continue;
    }
    if (ch == '>') return at(i, "bare '>' in text");
    if (ch != '<') {
      ++i;
      continue;
    }
    if (page.compare(i, 2, "<!") == 0) {  // doctype
      i = page.find('>', i);
      if (i == std::string::npos) return "unterminated <!";
      ++i;
      continue;
    }
    const bool closing = i + 1 < page.size() && page[i + 1] == '/';
    std::size_t j = i + (closing ? 2 : 1);
    std::size_t name_start = j;
    while (j < page.size() && (std::isalnum(static_cast<unsigned char>(page[j])) || page[j] == '-')) ++j;
    const std::string name = page.substr(name_start, j - name_start);
    if (name.empty()) return at(i, "bare '<'");
    // Attributes: name="value" pairs, values without '<' or '>'.
    bool self_closing = false;
    while (j < page.size() && page[j] != '>') {
      if (page[j] == '"') {
        const auto end = page.find('"', j + 1);
        if (end == std::string::npos) return at(j, "unterminated attribute");
        const auto value = page.substr(j + 1, end - j - 1);
        if (value.find_first_of("<>") != std::string::npos) return at(j, "'<' or '>' in an attribute");
        for (std::size_t k = value.find('&'); k != std::string::npos; k = value.find('&', k + 1))
          if (!check_entity(j + 1 + k)) return at(j + 1 + k, "bare '&' in an attribute");
        j = end + 1;
        continue;
      }
      if (page[j] == '\'' || page[j] == '<') return at(j, "unexpected character in a tag");
      if (page[j] == '/' && j + 1 < page.size() && page[j + 1] == '>') self_closing = true;
      ++j;
    }
    if (j >= page.size()) return at(i, "unterminated tag");
    i = j + 1;
    if (closing) {
      if (open.empty() || open.back() != name)
        return at(j, "</" + name + "> closes <" + (open.empty() ? std::string("nothing") : open.back()) + ">");
      open.pop_back();
    } else if (!self_closing) {
      if (name == "style") {  // raw text up to </style>
        i = page.find("</style>", i);
        if (i == std::string::npos) return "unterminated <style>";
        i += 8;
        continue;
      }
      open.push_back(name);
    }
  }
  if (!open.empty()) return "<" + open.back() + "> never closed";
  return "";
}

}  // namespace mtls::test
