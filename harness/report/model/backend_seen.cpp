#include "report/model/backend_seen.hpp"

#include <algorithm>
#include <cctype>

namespace mtls::report {

const std::string* BackendSeen::header(const std::string& name) const {
  auto same = [&](const std::string& n) {
    return n.size() == name.size() && std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
           });
  };
  for (const auto& [n, v] : headers)
    if (same(n)) return &v;
  return nullptr;
}

}  // namespace mtls::report
