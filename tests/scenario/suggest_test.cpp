#include <catch2/catch.hpp>

#include "scenario/suggest.hpp"

using namespace mtls::scenario;

TEST_CASE("edit distance counts typos, a swap of neighbours as one", "[suggest]") {
  struct Row {
    const char* a;
    const char* b;
    std::size_t distance;
  };
  const Row rows[] = {
      {"", "", 0},           {"abc", "", 3},          {"", "abc", 3},
      {"expired", "expired", 0}, {"expird", "expired", 1}, {"nmae", "name", 1},
      {"ec-p265", "ec-p256", 1}, {"Expired", "expired", 0}, {"kitten", "sitting", 3},
  };
  for (const auto& r : rows) {
    INFO(r.a << " vs " << r.b);
    CHECK(edit_distance(r.a, r.b) == r.distance);
  }
}

TEST_CASE("nearest suggests only plausible typos", "[suggest]") {
  const std::vector<std::string> keys = {"name", "fault", "not_after_days", "not_before_days"};
  CHECK(nearest("not_after_day", keys) == "not_after_days");
  CHECK(nearest("not_befor_days", keys) == "not_before_days");
  CHECK(nearest("falt", keys) == "fault");
  CHECK_FALSE(nearest("colour", keys).has_value());
  CHECK(did_you_mean("nme", keys) == "did you mean 'name'?");
  CHECK(did_you_mean("zzzz", keys).empty());
}

TEST_CASE("suggest_value guesses and lists the valid values", "[suggest]") {
  const std::vector<std::string> valid = {"accept", "reject"};
  CHECK(suggest_value("rejct", valid) == "did you mean 'reject'? expected one of: accept, reject");
  CHECK(suggest_value("maybe", valid) == "expected one of: accept, reject");
}
