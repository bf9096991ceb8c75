#include "target/nginx_template.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "target/target.hpp"

namespace mtls::target::nginx {
namespace {

constexpr std::string_view open_mark = "{{";
constexpr std::string_view close_mark = "}}";

int line_of(std::string_view text, std::size_t pos) {
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(pos), '\n'));
}

std::string known_names(const Placeholders& values) {
  std::string out;
  for (const auto& [name, value] : values) out += (out.empty() ? "" : ", ") + name;
  return out;
}

}  // namespace

std::string render(std::string_view text, std::string_view template_name,
                   const Placeholders& values) {
  std::string out;
  out.reserve(text.size() + 512);
  std::size_t pos = 0;
  while (true) {
    const std::size_t open = text.find(open_mark, pos);
    if (open == std::string_view::npos) break;
    out.append(text.substr(pos, open - pos));
    const std::size_t close = text.find(close_mark, open + open_mark.size());
    const std::size_t line_end = text.find('\n', open);
    if (close == std::string_view::npos || close > line_end)
      throw TargetError(fmt::format("nginx template {} line {}: '{{{{' without a closing '}}}}'",
                                    template_name, line_of(text, open)));
    const auto name = text.substr(open + open_mark.size(), close - open - open_mark.size());
    const auto it = values.find(name);
    if (it == values.end())
      throw TargetError(fmt::format("nginx template {} line {}: unknown placeholder {{{{{}}}}} "
                                    "(known: {})",
                                    template_name, line_of(text, open), name,
                                    known_names(values)));
    out += it->second;
    pos = close + close_mark.size();
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace mtls::target::nginx
