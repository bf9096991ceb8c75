#include "cases/refusal.hpp"

#include <fmt/core.h>

namespace mtls::cases {

RefusalEvidence refusal_evidence(const probe::Outcome& o) {
  if (o.http_status == 403) return {Evidence::policy, "HTTP 403"};
  if (o.http_status == 400) {
    // nginx's built-in pages for ssl_verify_client (ngx_http_special_response.c).
    if (o.body.find("No required SSL certificate was sent") != std::string::npos)
      return {Evidence::no_certificate_sent, "HTTP 400 \"No required SSL certificate was sent\""};
    if (o.body.find("The SSL certificate error") != std::string::npos)
      return {Evidence::certificate_error, "HTTP 400 \"The SSL certificate error\""};
  }
  if (o.http_status >= 400) {
    if (auto it = o.headers.find("x-client-verify"); it != o.headers.end()) {
      const auto& verify = it->second;
      if (verify == "SUCCESS" || verify == "0")
        return {Evidence::verified, fmt::format("HTTP {} with X-Client-Verify: {}", o.http_status, verify)};
      if (verify == "NONE")
        return {Evidence::no_certificate_sent, fmt::format("HTTP {} with X-Client-Verify: NONE", o.http_status)};
    }
  }
  return {};
}

bool checked_by_verification(scenario::Reason r) {
  using scenario::Reason;
  switch (r) {
    case Reason::no_certificate:
    case Reason::not_allowed:
    case Reason::key_mismatch: return false;
    default: return true;
  }
}

}  // namespace mtls::cases
