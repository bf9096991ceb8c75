// [scenario]: the scenario's name (it names fixtures/<name>/ and reports/<name>/) and a
// one-line description.
#include <fmt/core.h>

#include "scenario/sections.hpp"

namespace mtls::scenario::detail {
namespace {

constexpr std::string_view kKeys[] = {"name", "description"};

void read(Reader& r, const toml::table& root, Scenario& s) {
  const toml::table* t = r.table(root, "scenario", "");
  if (t) r.check_keys(*t, "scenario", "[scenario]", kKeys);

  auto name = t ? r.string(*t, "name", "scenario") : std::nullopt;
  if (name) {
    if (auto problem = plain_name_problem(*name))
      r.error(Reader::at(*t, "name"), "scenario.name", "not usable as a directory name: " + *problem,
              "use letters, digits, '.', '_' and '-', e.g. \"gateway-gate\"");
    s.name = *name;
  } else if (!t || !t->contains("name")) {
    s.name = r.file().stem().string();
    if (auto problem = plain_name_problem(s.name))
      r.error({}, "scenario.name",
              fmt::format("the default name (the file name '{}') is not usable as a directory name: {}",
                          s.name, *problem),
              "set name in [scenario]");
  }
  if (t)
    if (auto d = r.string(*t, "description", "scenario", true)) s.description = *d;
}

}  // namespace

extern const Section kScenarioSection = {"scenario", false, kKeys, read};

}  // namespace mtls::scenario::detail
