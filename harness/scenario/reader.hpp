// The loader's one tool for reading TOML: typed gets that check the value's type and
// range and record a located Diagnostic instead of throwing, so one pass finds every
// problem in a file. Internal to the scenario stage.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "scenario/loader.hpp"
#include "scenario/names.hpp"
#include "scenario/suggest.hpp"

namespace mtls::scenario::detail {

using Keys = std::span<const std::string_view>;

std::string join(std::string_view path, std::string_view key);  // "target" + "allow"
std::string indexed(std::string_view path, std::size_t i);      // "identity[2]"
SourceRef where_of(const toml::node& n);
SourceRef where_of(const toml::key& k);

// A header name as RFC 9110 allows it (a token), so it cannot smuggle a second header.
bool header_name(const std::string& n);

// Why `name` cannot name a directory, or nullopt when it can.
std::optional<std::string> plain_name_problem(std::string_view name);

class Reader {
 public:
  explicit Reader(std::filesystem::path file) : file_(std::move(file)) {}

  const std::filesystem::path& file() const { return file_; }
  // Paths in a scenario are relative to the scenario file's directory.
  std::filesystem::path resolve(std::string_view path) const;

  void error(SourceRef at, std::string key_path, std::string message, std::string suggestion = {});
  bool failed() const { return !diagnostics_.empty(); }
  std::vector<Diagnostic> take();

  // Where a key's value is, or the table's header when the key is absent.
  static SourceRef at(const toml::table& t, std::string_view key);

  // Every key of `t` not in `known` is an error naming the nearest known key.
  void check_keys(const toml::table& t, std::string_view path, std::string_view section, Keys known);

  // Typed gets: nullopt when the key is absent or its value is wrong (already reported).
  std::optional<std::string> string(const toml::table& t, std::string_view key,
                                    std::string_view path, bool allow_empty = false);
  std::optional<bool> boolean(const toml::table& t, std::string_view key, std::string_view path);
  std::optional<int> integer(const toml::table& t, std::string_view key, std::string_view path,
                             int lo, int hi);
  // An integer or a float (durations, rates, shares) within [lo, hi].
  // `over_hint` is the suggestion when the value is above hi.
  std::optional<double> number(const toml::table& t, std::string_view key, std::string_view path,
                               double lo, double hi, std::string_view over_hint = {});
  std::optional<std::vector<std::string>> strings(const toml::table& t, std::string_view key,
                                                  std::string_view path);
  // A string that must be one of `valid`; the error lists them and guesses the nearest.
  std::optional<std::string> one_of(const toml::table& t, std::string_view key,
                                    std::string_view path, std::span<const std::string> valid);

  template <typename E>
  std::optional<E> choice(const toml::table& t, std::string_view key, std::string_view path) {
    auto text = one_of(t, key, path, all_names<E>());
    return text ? parse_name<E>(*text) : std::nullopt;
  }

  // A non-empty array of distinct enum names, e.g. tls_versions = ["1.2", "1.3"].
  template <typename E>
  std::optional<std::vector<E>> choices(const toml::table& t, std::string_view key,
                                        std::string_view path) {
    auto texts = strings(t, key, path);
    if (!texts) return std::nullopt;
    const toml::array& arr = *t.get(key)->as_array();
    std::string p = join(path, key);
    if (texts->empty()) {
      error(at(t, key), p, "must list at least one value",
            "expected one of: " + join_names(all_names<E>()));
      return std::nullopt;
    }
    std::vector<E> out;
    bool ok = true;
    for (std::size_t i = 0; i < texts->size(); ++i) {
      auto v = parse_name<E>((*texts)[i]);
      if (!v) {
        error(where_of(*arr.get(i)), indexed(p, i), "'" + (*texts)[i] + "' is not a valid value",
              suggest_value((*texts)[i], all_names<E>()));
        ok = false;
      } else if (std::find(out.begin(), out.end(), *v) != out.end()) {
        error(where_of(*arr.get(i)), indexed(p, i), "'" + (*texts)[i] + "' is listed twice",
              "list each value once");
        ok = false;
      } else {
        out.push_back(*v);
      }
    }
    return ok ? std::optional(out) : std::nullopt;
  }

  // A table under `parent`; a non-table there is reported.
  const toml::table* table(const toml::table& parent, std::string_view key, std::string_view path);
  // An array of tables ([[key]]); an element that is not a table is reported and null, so
  // indexes in key paths stay those of the file.
  std::vector<const toml::table*> tables(const toml::table& parent, std::string_view key);

 private:
  const toml::node* typed(const toml::table& t, std::string_view key, std::string_view path,
                          toml::node_type want);
  void wrong_type(const toml::node& n, std::string path, toml::node_type want);

  std::filesystem::path file_;
  std::vector<Diagnostic> diagnostics_;
};

// "an integer", "a string", ... as said in messages.
std::string type_name(toml::node_type t);

}  // namespace mtls::scenario::detail
