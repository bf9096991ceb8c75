// The one reader of https URLs (scenario `[target] url`, `--target https://...`, `repro` and
// `diagnose --url`), on libcurl's URL API: the same parser as the probe that connects to it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mtls::common {

struct HttpsUrl {
  std::string host;  // a name or a numeric address, IPv6 without its brackets
  int port = 443;
  std::string path;  // "" for "/" or none; else the path (and query) as written
};

struct ParsedHttpsUrl {
  std::optional<HttpsUrl> url;
  std::string problem;  // why not, to follow the URL in a message: "must start with https://"
};

ParsedHttpsUrl parse_https_url(std::string_view text);

}  // namespace mtls::common
