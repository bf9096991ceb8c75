// Failures by class, so none is silently dropped: every failed connection adds exactly one
// count under one key. Keys are "<class>:<detail>":
//   connect:refused, connect:timeout, connect:<errno name>
//   tls_alert:<name>       fatal alert received from the server (e.g. certificate_expired)
//   server_verify:<text>   this client refused the server's certificate
//   tls:<reason>           other TLS failure, OpenSSL's reason string
//   tls:eof                the server closed the connection mid-handshake without an alert
//   tls:reset              ... or reset it
//   tls:not_tls            the server's bytes are no TLS record (plain HTTP, garbage)
//   http_status:<code>     a response other than 2xx
//   http:<reason>          unparsable response, closed before the response ended,
//                          "header limit exceeded" (over 16 KiB of response header),
//                          "body limit exceeded" (over 1 MiB of response body)
//   timeout:<step>         connect, handshake, response
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace mtls::measure {

class ErrorCounts {
 public:
  void add(const std::string& key, std::uint64_t n = 1) { counts_[key] += n; }
  void merge(const ErrorCounts& o) {
    for (const auto& [k, n] : o.counts_) counts_[k] += n;
  }
  std::uint64_t total() const {
    std::uint64_t t = 0;
    for (const auto& [k, n] : counts_) t += n;
    return t;
  }
  std::uint64_t get(const std::string& key) const {
    auto it = counts_.find(key);
    return it == counts_.end() ? 0 : it->second;
  }
  const std::map<std::string, std::uint64_t>& all() const { return counts_; }
  nlohmann::json to_json() const;  // {"class": n, ...}

 private:
  std::map<std::string, std::uint64_t> counts_;
};

}  // namespace mtls::measure
