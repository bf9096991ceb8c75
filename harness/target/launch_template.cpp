#include "target/launch_template.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fmt/format.h>

#include "common/files.hpp"
#include "common/resources.hpp"
#include "target/target.hpp"

namespace mtls::target::launch {
namespace fs = std::filesystem;
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

std::string env_name(const std::string& gateway) {
  std::string up = "MTLS_";
  for (char c : gateway) up += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return up + "_TEMPLATES";
}

}  // namespace

std::string render(std::string_view text, std::string_view label, const Placeholders& values) {
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
      throw TargetError(fmt::format("{} line {}: '{{{{' without a closing '}}}}'", label,
                                    line_of(text, open)));
    const auto name = text.substr(open + open_mark.size(), close - open - open_mark.size());
    const auto it = values.find(name);
    if (it == values.end())
      throw TargetError(fmt::format("{} line {}: unknown placeholder {{{{{}}}}} (known: {})",
                                    label, line_of(text, open), name, known_names(values)));
    out += it->second;
    pos = close + close_mark.size();
  }
  out.append(text.substr(pos));
  return out;
}

fs::path find_templates_dir(const std::string& gateway, const scenario::Scenario& s) {
  const std::string var = env_name(gateway);
  std::vector<fs::path> tried;
  std::error_code ec;
  if (const char* d = std::getenv(var.c_str())) {
    tried.emplace_back(d);
    if (fs::is_directory(d, ec) && fs::exists(fs::path(d) / "README.md", ec)) return fs::absolute(d);
  }
  if (auto d = common::find_resource_dir(fs::path("fixtures") / gateway, "README.md", &tried); !d.empty())
    return d;
  if (!s.file.empty()) {
    auto beside = fs::absolute(s.file).parent_path().parent_path() / "fixtures" / gateway;
    tried.push_back(beside);
    if (fs::is_directory(beside, ec) && fs::exists(beside / "README.md", ec)) return beside;
  }
  std::string list;
  for (const auto& d : tried) list += "\n  " + fs::absolute(d).string();
  throw TargetError(fmt::format("{} templates not found (set {} to the repository's "
                                "fixtures/{}); tried:{}",
                                gateway, var, gateway, list));
}

std::vector<std::string> template_names(const fs::path& dir, std::string_view extension) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == extension)
      names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

void write_template(const fs::path& dir, const std::string& gateway, const std::string& name,
                    std::string_view extension, const Placeholders& values, const fs::path& out) {
  const auto names = template_names(dir, extension);
  if (std::find(names.begin(), names.end(), name) == names.end())
    throw TargetError(fmt::format("{} template '{}' not found in {} (available: {})", gateway,
                                  name, dir.string(), fmt::join(names, ", ")));
  const auto file = dir / (name + std::string(extension));
  common::write_file_atomic(
      out, render(common::read_file(file), fmt::format("{} template {}", gateway, name), values));
}

fs::path write_includes(const fs::path& dir, const std::string& gateway, const Placeholders& values,
                        const fs::path& runtime_dir) {
  const auto out = runtime_dir / "include";
  common::make_dirs(out);
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir / "include", ec)) {
    if (!e.is_regular_file()) continue;
    const auto name = e.path().filename().string();
    common::write_file_atomic(
        out / name,
        render(common::read_file(e.path()), fmt::format("{} template include/{}", gateway, name),
               values));
  }
  if (ec)
    throw TargetError(fmt::format("{}: cannot read templates in {}: {}", gateway,
                                  (dir / "include").string(), ec.message()));
  return out;
}

std::string config_path(const fs::path& p, std::string_view gateway, std::string_view what,
                        std::string_view forbidden) {
  if (p.empty()) throw TargetError(fmt::format("{}: fixtures have no {}", gateway, what));
  const std::string s = fs::absolute(p).lexically_normal().string();
  if (s.find_first_of(forbidden) != std::string::npos)
    throw TargetError(fmt::format("{}: {} path '{}' contains a character {} config syntax "
                                  "reads specially (one of: {}): move it",
                                  gateway, what, s, gateway, forbidden));
  return s;
}

}  // namespace mtls::target::launch
