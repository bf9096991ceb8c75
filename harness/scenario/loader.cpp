// Entry points: parse the TOML, reject what no section claims, let each section read its
// part in order, and return every diagnostic sorted by position.
#include "scenario/loader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fmt/core.h>

#include "common/files.hpp"
#include "scenario/sections.hpp"

namespace mtls::scenario {
namespace {

using detail::Reader;
using detail::Section;

// Read in this order: each section may take defaults from the ones before it.
const Section* const kSections[] = {
    &detail::kScenarioSection, &detail::kPkiSection,  &detail::kTargetSection,
    &detail::kIdentitySection, &detail::kCaseSection, &detail::kLoadSection, &detail::kChecksSection,
};

std::string header(const Section& s) {
  return s.array ? fmt::format("[[{}]]", s.name) : fmt::format("[{}]", s.name);
}

// A top-level key no section claims: a misspelt table, or a key that belongs inside one.
void report_unknown(Reader& r, const toml::key& k, const toml::node& v) {
  std::vector<std::string> names, headers;
  for (const Section* s : kSections) {
    names.emplace_back(s->name);
    headers.push_back(header(*s));
  }
  // A key of a section written above every header is the likelier mistake than a typo.
  std::string suggestion;
  for (const Section* s : kSections)
    if (std::find(s->keys.begin(), s->keys.end(), k.str()) != s->keys.end()) {
      suggestion = fmt::format("'{}' belongs in {}; move it below that header", k.str(), header(*s));
      break;
    }
  if (auto guess = nearest(k.str(), names); guess && suggestion.empty()) {
    auto it = std::find(names.begin(), names.end(), *guess);
    suggestion = "did you mean " + headers[static_cast<std::size_t>(it - names.begin())] + "?";
  }
  if (suggestion.empty()) suggestion = "valid tables: " + join_names(headers);
  bool table = v.is_table() || (v.is_array() && v.as_array()->is_array_of_tables());
  r.error(detail::where_of(k), std::string(k.str()),
          table ? fmt::format("unknown table [{}]", k.str())
                : fmt::format("unknown top-level key '{}'", k.str()),
          suggestion);
}

LoadResult read_document(const toml::table& root, const std::filesystem::path& file) {
  Reader r(file);
  LoadResult out;
  out.scenario.file = file;
  for (auto&& [k, v] : root) {
    const std::string_view key = k.str();  // clang 14 cannot capture a structured binding
    bool claimed = std::any_of(std::begin(kSections), std::end(kSections),
                               [&](const Section* s) { return s->name == key; });
    if (!claimed) report_unknown(r, k, v);
  }
  for (const Section* s : kSections) s->read(r, root, out.scenario);
  out.diagnostics = r.take();
  // Sections are read in dependency order; people read files top to bottom.
  std::stable_sort(out.diagnostics.begin(), out.diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::tie(a.line, a.column) < std::tie(b.line, b.column);
                   });
  return out;
}

}  // namespace

LoadResult load_text(std::string_view text, const std::filesystem::path& file_name) {
  try {
    toml::table root = toml::parse(text, file_name.string());
    return read_document(root, file_name);
  } catch (const toml::parse_error& e) {
    LoadResult out;
    out.scenario.file = file_name;
    out.diagnostics.push_back(Diagnostic{file_name, static_cast<int>(e.source().begin.line),
                                         static_cast<int>(e.source().begin.column), "",
                                         "TOML syntax error: " + std::string(e.description()), ""});
    return out;
  }
}

LoadResult load_file(const std::filesystem::path& file) {
  std::string text;
  try {
    text = common::read_file(file);
  } catch (const std::exception& e) {
    LoadResult out;
    out.scenario.file = file;
    out.diagnostics.push_back(Diagnostic{file, 0, 0, "", e.what(),
                                         "check the path; example scenarios are in scenarios/"});
    return out;
  }
  return load_text(text, file);
}

}  // namespace mtls::scenario
