// What `mtls-harness repro` prints: the catalogue, and one reproduction with every side's
// message, the cause, the fix and the commands that confirm it.
#pragma once

#include <map>
#include <ostream>
#include <string>
#include <string_view>

#include "repro/reproduce.hpp"

namespace mtls::repro {

void print_catalogue(std::ostream& out);
void print_reproduction(const Reproduction& r, std::ostream& out);

// `{name}` -> placeholders[name]; unknown names are left as they are.
std::string fill(std::string_view text, const std::map<std::string, std::string>& placeholders);

// One line as curl would print it: "curl: (35) ..." or "HTTP 400 (curl exits 0 ...)".
std::string curl_line(const probe::Outcome& o);

}  // namespace mtls::repro
