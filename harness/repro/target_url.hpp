// `--target https://host:port/path`: a gateway someone else runs, as an Endpoint.
#pragma once

#include <filesystem>
#include <string>

#include "target/target.hpp"

namespace mtls::repro {

// host: a name or a numeric address ([::1] for IPv6); port defaults to 443. The host is both
// what is connected to and the server name. Throws std::runtime_error on a malformed URL.
target::Endpoint endpoint_from_url(const std::string& url, const std::filesystem::path& cacert);

}  // namespace mtls::repro
