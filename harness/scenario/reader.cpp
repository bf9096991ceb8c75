#include "scenario/reader.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/core.h>

#include "common/files.hpp"
#include "scenario/sections.hpp"

namespace mtls::scenario::detail {

std::string join(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}

std::string indexed(std::string_view path, std::size_t i) { return fmt::format("{}[{}]", path, i); }

SourceRef where_of(const toml::node& n) {
  return {static_cast<int>(n.source().begin.line), static_cast<int>(n.source().begin.column)};
}

SourceRef where_of(const toml::key& k) {
  return {static_cast<int>(k.source().begin.line), static_cast<int>(k.source().begin.column)};
}

bool header_name(const std::string& n) {
  return !n.empty() && std::all_of(n.begin(), n.end(), [](unsigned char c) {
    return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
  });
}

std::optional<std::string> plain_name_problem(std::string_view name) {
  if (name.empty()) return "must not be empty";
  if (name == "." || name == "..") return "'" + std::string(name) + "' is not a usable directory name";
  if (name.size() > 100) return "is longer than 100 characters";
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return fmt::format("'{}' contains '{}'; only letters, digits, '.', '_' and '-' are allowed", name, c);
  }
  return std::nullopt;
}

std::optional<std::string> input_file_problem(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return fmt::format("no such file: {}", file.string());
  if (auto why = common::input_file_problem(file)) return fmt::format("{}: {}", file.string(), *why);
  return std::nullopt;
}

std::string type_name(toml::node_type t) {
  switch (t) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

std::filesystem::path Reader::resolve(std::string_view path) const {
  std::filesystem::path p(path);
  if (p.is_absolute()) return p;
  return (file_.parent_path() / p).lexically_normal();
}

void Reader::error(SourceRef at, std::string key_path, std::string message, std::string suggestion) {
  diagnostics_.push_back(Diagnostic{file_, at.line, at.column, std::move(key_path),
                                    std::move(message), std::move(suggestion)});
}

std::vector<Diagnostic> Reader::take() { return std::move(diagnostics_); }

SourceRef Reader::at(const toml::table& t, std::string_view key) {
  const toml::node* n = t.get(key);
  return where_of(n ? *n : t);
}

void Reader::check_keys(const toml::table& t, std::string_view path, std::string_view section,
                        Keys known) {
  for (auto&& [k, v] : t) {
    if (std::find(known.begin(), known.end(), k.str()) != known.end()) continue;
    auto guess = nearest(k.str(), known);
    error(where_of(k), join(path, k.str()),
          fmt::format("unknown key '{}' in {}", k.str(), section),
          guess ? "did you mean '" + *guess + "'?" : "valid keys: " + join_names(known));
  }
}

void Reader::wrong_type(const toml::node& n, std::string path, toml::node_type want) {
  error(where_of(n), std::move(path),
        fmt::format("expected {}, found {}", type_name(want), type_name(n.type())));
}

const toml::node* Reader::typed(const toml::table& t, std::string_view key, std::string_view path,
                                toml::node_type want) {
  const toml::node* n = t.get(key);
  if (!n) return nullptr;
  if (n->type() != want) {
    wrong_type(*n, join(path, key), want);
    return nullptr;
  }
  return n;
}

std::optional<std::string> Reader::string(const toml::table& t, std::string_view key,
                                          std::string_view path, bool allow_empty) {
  const toml::node* n = typed(t, key, path, toml::node_type::string);
  if (!n) return std::nullopt;
  std::string v = n->as_string()->get();
  if (v.empty() && !allow_empty) {
    error(where_of(*n), join(path, key), "must not be empty", "remove the key to use the default");
    return std::nullopt;
  }
  return v;
}

std::optional<bool> Reader::boolean(const toml::table& t, std::string_view key,
                                    std::string_view path) {
  const toml::node* n = typed(t, key, path, toml::node_type::boolean);
  if (!n) return std::nullopt;
  return n->as_boolean()->get();
}

std::optional<int> Reader::integer(const toml::table& t, std::string_view key,
                                   std::string_view path, int lo, int hi) {
  const toml::node* n = typed(t, key, path, toml::node_type::integer);
  if (!n) return std::nullopt;
  std::int64_t v = n->as_integer()->get();
  if (v < lo || v > hi) {
    error(where_of(*n), join(path, key),
          fmt::format("{} is out of range; expected an integer from {} to {}", v, lo, hi));
    return std::nullopt;
  }
  return static_cast<int>(v);
}

std::optional<double> Reader::number(const toml::table& t, std::string_view key,
                                     std::string_view path, double lo, double hi,
                                     std::string_view over_hint) {
  const toml::node* n = t.get(key);
  if (!n) return std::nullopt;
  double v = 0;
  if (const auto* i = n->as_integer()) v = static_cast<double>(i->get());
  else if (const auto* f = n->as_floating_point()) v = f->get();
  else {
    error(where_of(*n), join(path, key),
          fmt::format("expected a number, found {}", type_name(n->type())));
    return std::nullopt;
  }
  if (!(v >= lo && v <= hi)) {
    error(where_of(*n), join(path, key),
          fmt::format("{} is out of range; expected a number from {} to {}", v, lo, hi),
          v > hi ? std::string(over_hint) : std::string());
    return std::nullopt;
  }
  return v;
}

std::optional<std::vector<std::string>> Reader::strings(const toml::table& t,
                                                        std::string_view key,
                                                        std::string_view path) {
  const toml::node* n = typed(t, key, path, toml::node_type::array);
  if (!n) return std::nullopt;
  std::vector<std::string> out;
  bool ok = true;
  const toml::array& arr = *n->as_array();
  for (std::size_t i = 0; i < arr.size(); ++i) {
    const toml::node& e = *arr.get(i);
    std::string p = indexed(join(path, key), i);
    if (!e.is_string()) {
      wrong_type(e, p, toml::node_type::string);
      ok = false;
    } else if (e.as_string()->get().empty()) {
      error(where_of(e), p, "must not be empty");
      ok = false;
    } else {
      out.push_back(e.as_string()->get());
    }
  }
  return ok ? std::optional(out) : std::nullopt;
}

std::optional<std::string> Reader::one_of(const toml::table& t, std::string_view key,
                                          std::string_view path,
                                          std::span<const std::string> valid) {
  auto v = string(t, key, path, true);
  if (!v) return std::nullopt;
  if (std::find(valid.begin(), valid.end(), *v) == valid.end()) {
    error(at(t, key), join(path, key), fmt::format("'{}' is not a valid {}", *v, key),
          suggest_value(*v, valid));
    return std::nullopt;
  }
  return v;
}

const toml::table* Reader::table(const toml::table& parent, std::string_view key,
                                 std::string_view path) {
  const toml::node* n = typed(parent, key, path, toml::node_type::table);
  return n ? n->as_table() : nullptr;
}

std::vector<const toml::table*> Reader::tables(const toml::table& parent, std::string_view key) {
  std::vector<const toml::table*> out;
  const toml::node* n = parent.get(key);
  if (!n) return out;
  if (n->is_table()) {
    error(where_of(*n), std::string(key),
          fmt::format("expected an array of tables [[{}]], found a single table [{}]", key, key),
          fmt::format("write the header as [[{}]]", key));
    return out;
  }
  if (!n->is_array()) {
    error(where_of(*n), std::string(key),
          fmt::format("expected an array of tables [[{}]], found {}", key, type_name(n->type())));
    return out;
  }
  const toml::array& arr = *n->as_array();
  for (std::size_t i = 0; i < arr.size(); ++i) {
    const toml::node& e = *arr.get(i);
    out.push_back(e.as_table());
    if (!e.is_table()) wrong_type(e, indexed(key, i), toml::node_type::table);
  }
  return out;
}

}  // namespace mtls::scenario::detail
