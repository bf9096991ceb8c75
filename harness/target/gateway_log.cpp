#include "target/gateway_log.hpp"

#include <chrono>
#include <initializer_list>
#include <thread>
#include <regex>
#include <vector>

namespace mtls::target {
namespace {

// client: the gateway refusing or losing a client (certificate verification, a handshake the
// client broke off, OCSP for the client's certificate) — what the case is about, never an
// internal error even when it is logged at error level. internal: the gateway itself failed.
enum class Says { client, internal };

struct Rule {
  std::string_view gateway;  // "*": every gateway
  Says says;
  std::regex pattern;
};

// One pattern from alternatives, so each can stand on its own line.
std::regex any_of(std::initializer_list<const char*> alternatives) {
  std::string pattern;
  for (const char* a : alternatives) pattern += (pattern.empty() ? "" : "|") + std::string(a);
  return std::regex(pattern, std::regex::ECMAScript | std::regex::optimize);
}

// Client rules are tried first: a line matching one is never internal. Patterns come from
// the lines each gateway really writes (tests/target/gateway_log_test.cpp holds them).
const std::vector<Rule>& rules() {
  static const std::vector<Rule> table = {
      // nginx: "client SSL certificate verify error: (10:certificate has expired) while ...",
      // "client sent no required SSL certificate while reading client request headers",
      // "SSL_do_handshake() failed (SSL: error:0A000418:...:tlsv1 alert unknown ca...)".
      {"nginx", Says::client,
       any_of({"client SSL certificate verify error", "client sent no required SSL certificate",
               "client attempted to request the server name different",
               R"(SSL_do_handshake\(\) failed)", R"(SSL_read\(\) failed)",
               R"(SSL_shutdown\(\) failed)"})},
      // OCSP about the client's certificate is what an ocsp scenario tests, its responder
      // being down included ("recv() failed (111: Connection refused) while requesting
      // certificate status", "OCSP responder prematurely closed connection").
      {"nginx", Says::client, any_of({"certificate status", "OCSP"})},
      {"nginx", Says::internal,
       any_of({"while connecting to upstream", "while reading response header from upstream",
               "upstream prematurely closed", "upstream timed out", "no live upstreams",
               "worker_connections are not enough", "could not allocate",
               R"(\[(alert|emerg)\])"})},
      // Apache httpd, "[module:level]": mod_ssl's lines about the client's certificate and
      // handshake are what the cases are about: AH02276/AH02039 "Certificate Verification:
      // Error", AH02040 "Certificate Chain too long" (at error level), AH02008 "SSL library
      // error 1 in handshake", AH02006 "SSL handshake stopped", AH02261 "Re-negotiation
      // handshake failed". So is AH01630 "client denied by server configuration" (the allow-list).
      {"apache", Says::client,
       any_of({R"(\[ssl:(info|debug|trace\d)\])", "AH02276", "AH02039", "AH02040", "AH02261",
               "AH02008", "AH02006", "AH02042", "AH01630"})},
      // AH00529 .htaccess, AH00035 search permission missing on the document root's path,
      // proxy failures, no worker left, and anything at crit or worse.
      {"apache", Says::internal,
       any_of({"pcfg_openfile", "AH00035", "AH00529", "search permissions are missing",
               R"(\[proxy[a-z_]*:(error|crit|alert|emerg)\])", "AH00957", "AH00959", "AH01114",
               "AH01102", "AH00898", "AH00484", "AH00485", "AH00286", "AH00287",
               "could not allocate", R"(\[[a-z_]+:(crit|alert|emerg)\])"})},
      // HAProxy (httplog): "... mtls~ down/s1 0/0/-1/-1/3008 503 217 - - SC-- ...": a 5xx with
      // a termination state starting S (server side), R (resource exhausted) or I (internal).
      // "mtls/1: SSL handshake failure", "SSL client certificate not trusted": the client's.
      {"haproxy", Says::client,
       any_of({"SSL handshake failure", "SSL client certificate", "SSL client CA chain"})},
      {"haproxy", Says::internal,
       any_of({R"( 5\d\d -?\d+ \S+ \S+ [SRI][-A-Za-z]{3} )", "has no server available",
               R"(Server \S+ is DOWN)", "reached (system|process) (memmax|FD) limit",
               "out of memory", R"(\[ALERT\])"})},
      // Caddy (JSON): handler errors are logged by http.log.error with the status they made;
      // "http: TLS handshake error from ..." is the client's.
      {"caddy", Says::client, any_of({"TLS handshake error"})},
      {"caddy", Says::internal,
       any_of({R"re("logger":"http\.log\.error".*"status":5\d\d)re",
               R"re("level":"(fatal|panic)")re"})},
      // Any gateway: a file it cannot read, file descriptors or memory gone.
      {"*", Says::internal,
       any_of({"[Pp]ermission denied", "[Tt]oo many open files", "[Cc]annot allocate memory"})},
  };
  return table;
}

bool applies(const Rule& r, std::string_view gateway) { return r.gateway == "*" || r.gateway == gateway; }

bool internal(std::string_view gateway, const std::string& line) {
  for (const auto& r : rules())
    if (applies(r, gateway) && r.says == Says::client && std::regex_search(line, r.pattern)) return false;
  for (const auto& r : rules())
    if (applies(r, gateway) && r.says == Says::internal && std::regex_search(line, r.pattern)) return true;
  return false;
}

bool known(std::string_view gateway) {
  for (const auto& r : rules())
    if (r.gateway == gateway) return true;
  return false;
}

}  // namespace

std::optional<std::string> internal_error_line(std::string_view gateway, std::string_view text) {
  if (!known(gateway)) return std::nullopt;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(pos, end - pos));
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty() && internal(gateway, line)) return line;
    pos = end + 1;
  }
  return std::nullopt;
}

bool client_refusal_line(std::string_view gateway, const std::string& line) {
  for (const auto& r : rules())
    if (applies(r, gateway) && r.says == Says::client && std::regex_search(line, r.pattern)) return true;
  return false;
}

std::string refusal_reason(const std::string& line) {
  // nginx "(10:certificate has expired)", httpd "Error (10): certificate has expired", OpenSSL
  // reason strings in "SSL routines::tlsv1 alert unknown ca", Go's "x509: certificate has expired".
  static const std::regex shapes[] = {
      std::regex(R"(\(\d+:[^)]+\))"),
      std::regex(R"(Error \(\d+\): [^,\]\[]+)"),
      std::regex(R"(no required SSL certificate)"),
      std::regex(R"(server name different from the one that was negotiated)"),
      std::regex(R"(SSL routines::[a-z0-9 _]+)"),
      std::regex(R"(x509: [^"\\]+)"),
      std::regex(R"(tls: [^"\\]+)"),
      std::regex(R"(SSL client (certificate|CA chain)[a-z ]*)"),
      std::regex(R"(Certificate Chain too long[^\]\[]*)"),
      std::regex(R"(SSL handshake failure)"),
  };
  std::smatch m;
  for (const auto& re : shapes)
    if (std::regex_search(line, m, re)) {
      auto text = m.str(0);
      while (!text.empty() && text.back() == ' ') text.pop_back();
      return text;
    }
  return "";
}

std::string log_label(std::string_view gateway) {
  if (gateway == "nginx" || gateway == "apache") return std::string(gateway) + " error log";
  return std::string(gateway) + " log";
}

InternalErrorWatch::InternalErrorWatch(const RunningTarget& target, std::string gateway)
    : target_(target), gateway_(std::move(gateway)), mark_(target.log_since_start().size()) {}

std::optional<std::string> InternalErrorWatch::since_last_refusal(int wait_ms) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  while (target_.log_since_start().size() <= mark_ && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  // A line just begun is finished in a moment: gateways write a line in one call or two.
  if (wait_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return since_last_probe();
}

std::vector<std::string> InternalErrorWatch::last_lines(std::size_t max) const {
  // Lines about the client or a failure first: a chatty gateway (Caddy at debug level) writes
  // a dozen others per connection.
  std::vector<std::string> telling, other;
  std::size_t pos = 0;
  while (pos < last_.size()) {
    auto end = last_.find('\n', pos);
    if (end == std::string::npos) end = last_.size();
    auto line = last_.substr(pos, std::min<std::size_t>(end - pos, 1000));
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty())
      (client_refusal_line(gateway_, line) || internal(gateway_, line) ? telling : other).push_back(std::move(line));
    pos = end + 1;
  }
  for (auto& l : other) telling.push_back(std::move(l));
  if (telling.size() > max) telling.resize(max);
  return telling;
}

std::optional<std::string> InternalErrorWatch::since_last_probe() {
  const auto text = target_.log_since_start();
  if (text.size() < mark_) mark_ = 0;  // the log was cut: read what it holds now
  last_ = text.substr(mark_);
  const auto line = internal_error_line(gateway_, last_);
  mark_ = text.size();
  if (!line) return std::nullopt;
  return log_label(gateway_) + ": " + *line;
}

}  // namespace mtls::target
