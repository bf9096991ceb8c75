// What the harness's recording backend received for one probe: whether the request got past
// the gateway at all and, if so, exactly which headers it carried. The backend is the truth the
// application lives with: a refused client that reaches it, or a client-sent identity header
// that arrives untouched, is a finding whatever the client saw.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace mtls::report {

// The header every probe carries so the backend's record can be tied to its case.
inline constexpr const char* kRequestIdHeader = "X-Mtls-Harness-Request";

struct BackendSeen {
  bool reached = false;
  std::string method;
  std::string path;
  std::string source;  // "127.0.0.1:51234": the gateway's side of the connection
  std::vector<std::pair<std::string, std::string>> headers;  // as received, in order

  // The value of header `name` (case-insensitive); nullptr when absent. With a header sent
  // twice, the first: what most applications read.
  const std::string* header(const std::string& name) const;
};

}  // namespace mtls::report
