#include "common/https_url.hpp"

#include <curl/curl.h>
#include <fmt/core.h>
#include <memory>

namespace mtls::common {
namespace {

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};

std::optional<std::string> part(CURLU* u, CURLUPart which, unsigned flags = 0) {
  char* text = nullptr;
  if (curl_url_get(u, which, &text, flags) != CURLUE_OK || text == nullptr) return std::nullopt;
  std::string out(text);
  curl_free(text);
  return out;
}

// The port as written, for a message about it.
std::string written_port(std::string_view text) {
  auto authority = text.substr(8);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (auto close = authority.rfind(']'); close != std::string_view::npos) authority.remove_prefix(close);
  const auto colon = authority.rfind(':');
  return colon == std::string_view::npos ? std::string() : std::string(authority.substr(colon + 1));
}

}  // namespace

ParsedHttpsUrl parse_https_url(std::string_view text) {
  if (text.substr(0, 8) != "https://") return {std::nullopt, "must start with https://"};
  std::unique_ptr<CURLU, UrlDeleter> u(curl_url());
  if (!u) return {std::nullopt, "could not be parsed (out of memory)"};
  const std::string copy(text);
  if (const CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, copy.c_str(), 0); rc != CURLUE_OK) {
    if (rc == CURLUE_BAD_PORT_NUMBER) return {std::nullopt, fmt::format("has a bad port '{}'", written_port(text))};
    if (rc == CURLUE_NO_HOST) return {std::nullopt, "has no host"};
    return {std::nullopt, fmt::format("is not a URL ({})", curl_url_strerror(rc))};
  }
  HttpsUrl url;
  url.host = part(u.get(), CURLUPART_HOST).value_or("");
  if (url.host.size() > 2 && url.host.front() == '[') url.host = url.host.substr(1, url.host.size() - 2);
  if (url.host.empty()) return {std::nullopt, "has no host"};
  if (auto port = part(u.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT)) url.port = std::stoi(*port);
  if (url.port < 1 || url.port > 65535) return {std::nullopt, fmt::format("has a bad port '{}'", url.port)};
  url.path = part(u.get(), CURLUPART_PATH).value_or("/");
  if (auto query = part(u.get(), CURLUPART_QUERY)) url.path += "?" + *query;
  if (url.path == "/") url.path.clear();
  return {url, {}};
}

}  // namespace mtls::common
