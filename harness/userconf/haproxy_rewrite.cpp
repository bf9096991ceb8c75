#include "userconf/haproxy_rewrite.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>

namespace mtls::userconf::haproxy {
namespace {

namespace fs = std::filesystem;

template <std::size_t N>
bool listed(const std::string_view (&list)[N], std::string_view v) {
  return std::find(std::begin(list), std::end(list), v) != std::end(list);
}

// Server options about talking TLS, PROXY or h2 to the upstream, or finding it by DNS: the
// loopback backend speaks plain HTTP/1.1 at a numeric address. Those that take a value first.
constexpr std::string_view kUpstreamOptionsWithValue[] = {
    "verify", "ca-file", "crt", "sni", "check-sni", "alpn", "check-alpn", "ssl-min-ver",
    "ssl-max-ver", "ciphers", "ciphersuites", "resolvers", "resolve-prefer", "resolve-net",
    "resolve-opts", "init-addr", "addr", "port", "crl-file", "proto", "verifyhost", "curves",
    "sigalgs", "client-sigalgs", "npn", "check-proto", "namespace", "source"};
constexpr std::string_view kUpstreamFlags[] = {
    "ssl", "check-ssl", "no-ssl-reuse", "ssl-reuse", "send-proxy", "send-proxy-v2",
    "send-proxy-v2-ssl", "send-proxy-v2-ssl-cn", "check-send-proxy", "no-verifyhost",
    "force-sslv3", "force-tlsv10", "force-tlsv11", "force-tlsv12", "force-tlsv13", "no-sslv3",
    "no-tlsv10", "no-tlsv11", "no-tlsv12", "no-tlsv13", "tls-tickets", "no-tls-tickets",
    "allow-0rtt", "check-via-socks4", "socks4"};
// Address prefixes of sockets that are no TCP port on loopback.
constexpr std::string_view kNotTcp[] = {"unix@", "abns@", "fd@", "sockpair@", "udp@", "udp4@",
                                        "udp6@", "quic4@", "quic6@", "uxst@", "uxdg@"};

std::string joined_raw(const Line& l, std::size_t from) {
  std::string out;
  for (std::size_t i = from; i < l.words.size(); ++i) out += (out.empty() ? "" : " ") + l.words[i].raw;
  return out;
}

std::vector<std::string> split_commas(const std::string& v) {
  std::vector<std::string> out;
  std::size_t at = 0;
  for (;;) {
    const auto end = v.find(',', at);
    out.push_back(v.substr(at, end == std::string::npos ? std::string::npos : end - at));
    if (end == std::string::npos) return out;
    at = end + 1;
  }
}

// The port of one bind address (":443", "*:443", "ipv6@:::443", "[::]:443").
int bind_port(const Line& l, const std::string& address) {
  for (auto p : kNotTcp)
    if (address.starts_with(p))
      throw ConfigError(l.where, fmt::format("bind {}: not a TCP listener the harness can move to loopback", address),
                        "gate a copy of the config whose TLS frontend binds a TCP port");
  if (address.starts_with("/"))
    throw ConfigError(l.where, fmt::format("bind {}: a unix socket", address),
                      "gate a copy of the config whose TLS frontend binds a TCP port");
  if (address.find('$') != std::string::npos)
    throw ConfigError(l.where, fmt::format("bind {}: an address from an environment variable", address),
                      "write the port in the config (the harness moves it to loopback anyway)");
  const auto colon = address.rfind(':');
  const std::string port = colon == std::string::npos ? "" : address.substr(colon + 1);
  if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5)
    throw ConfigError(l.where, fmt::format("bind {}: cannot read one port in it{}", address,
                                           port.find('-') != std::string::npos ? " (a port range)" : ""),
                      "bind one port, e.g. bind :443 ssl crt ...");
  return std::stoi(port);
}

bool has_word(const Line& l, std::string_view w, std::size_t from = 1) {
  for (std::size_t i = from; i < l.words.size(); ++i)
    if (l.words[i].value == w) return true;
  return false;
}

// The value after option `name` of a bind/server line; "" when absent.
std::string option(const Line& l, std::string_view name) {
  for (std::size_t i = 2; i + 1 < l.words.size(); ++i)
    if (l.words[i].value == name) return l.words[i + 1].value;
  return {};
}

bool frontend_like(const std::string& kind) { return kind == "frontend" || kind == "listen" || kind == "defaults"; }

}  // namespace

Facts facts(const Config& config, const fs::path& main_file, const std::string& wanted) {
  Facts f;
  struct Bind {
    int port;
    const Line* line;
  };
  std::vector<Bind> binds;
  for (const auto& s : config) {
    if (s.kind != "frontend" && s.kind != "listen") continue;
    for (const auto& l : s.lines) {
      if (l.word(0) != "bind" || l.words.size() < 2) continue;
      for (const auto& a : split_commas(l.word(1))) {
        const int port = bind_port(l, a);
        binds.push_back({port, &l});
        auto it = std::find_if(f.listeners.begin(), f.listeners.end(),
                               [&](const Listener& x) { return x.written_port == port; });
        if (it == f.listeners.end()) {
          f.listeners.push_back({port, 0, false, l.where});
          it = f.listeners.end() - 1;
        }
        it->ssl = it->ssl || has_word(l, "ssl", 2);
      }
    }
  }
  if (binds.empty())
    throw ConfigError({main_file, 0}, "no bind line in a frontend or listen section: nothing listens",
                      "point [target] config at the file with the frontend that verifies clients");
  f.chosen_port = choose_listener(f.listeners, wanted, main_file,
                                  "add a frontend with bind :443 ssl crt ... ca-file ... verify required");
  for (const auto& b : binds)
    if (b.port == f.chosen_port && has_word(*b.line, "ssl", 2)) {
      const auto v = option(*b.line, "verify");
      f.verify = v.empty() ? "none" : v;
      f.crl = !option(*b.line, "crl-file").empty();
      f.ca_file = !option(*b.line, "ca-file").empty();
      break;
    }
  for (const auto& s : config)
    for (const auto& l : s.lines) {
      const bool request = l.word(0) == "http-request";
      if ((!request && l.word(0) != "http-response") || l.words.size() < 4) continue;
      if (l.word(1) != "set-header" && l.word(1) != "add-header") continue;
      if (l.word(3).find("ssl_c_") == std::string::npos) continue;
      auto text = l.text.substr(l.indent.size());
      if (!l.comment.empty() && text.ends_with(l.comment)) text.resize(text.size() - l.comment.size());
      while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.pop_back();
      add_identity_header(f.identity_headers, {l.word(2), request, l.where, text});
    }
  return f;
}

namespace {

class Rewriter {
 public:
  explicit Rewriter(const Inputs& in) : in_(in) {}

  Rendered run(const Config& config) {
    for (const auto& s : config)
      if (s.kind == "global")
        for (const auto& l : s.lines)
          if (l.word(0) == "ca-base") ca_base_ = true;
    for (const auto& s : config) {
      if (s.kind == "program")
        throw ConfigError(s.header.where, fmt::format("program {}: HAProxy would start an external program", s.name),
                          "gate a copy of the config without the program section");
      if (!s.kind.empty()) emit(s.header.text, s.header.where);
      std::set<std::string> addresses;  // of this section's binds, once on loopback
      for (const auto& l : s.lines) one(s, l, addresses);
    }
    return std::move(out_);
  }

 private:
  void emit(const std::string& text, const Where& w) {
    out_.text += text + "\n";
    out_.origin.push_back(w);
  }
  void put(const Line& l, const std::string& args) {
    out_.changes.push_back({l.where, l.word(0), joined_raw(l, 1), args});
    emit(l.indent + l.words[0].raw + (args.empty() ? "" : " " + args) + (l.comment.empty() ? "" : " " + l.comment), l.where);
  }
  void drop(const Line& l, const std::string& why) {
    const auto args = joined_raw(l, 1);
    out_.changes.push_back({l.where, l.word(0), (args.empty() ? "" : args + " ") + "(" + why + ")", ""});
    emit(l.indent + "# " + l.text.substr(l.indent.size()) + "  # removed by mtls-harness: " + why, l.where);
  }
  std::string runtime(const std::string& name) const { return absolute(in_.runtime_dir / name); }
  // ca-base / crt-base would prefix a relative path.
  static std::string absolute(const fs::path& p) { return quote(fs::absolute(p).lexically_normal().string()); }
  std::string loopback(int port) const {
    return (in_.host.find(':') != std::string::npos ? "[" + in_.host + "]" : in_.host) + ":" + std::to_string(port);
  }
  int mapped(int written, const Where& w) const {
    const auto it = in_.ports.find(written);
    if (it == in_.ports.end()) throw ConfigError(w, fmt::format("no loopback port was picked for port {}", written), "");
    return it->second;
  }
  int spare_port() const { return in_.free_port ? in_.free_port() : 1; }
  std::string as_written_path(const std::string& v) const {
    // Left as written; a relative path is relative to the directory HAProxy was started in
    // unless ca-base says otherwise, and the harness starts it elsewhere.
    if (ca_base_ || fs::path(v).is_absolute() || v.find('$') != std::string::npos) return quote(v);
    return quote((in_.conf_dir / v).string());
  }

  void one(const Section& s, const Line& l, std::set<std::string>& addresses) {
    const std::string& k = l.word(0);
    if (l.words.empty() || k.starts_with(".")) return emit(l.text, l.where);  // blank, comment, .if
    if (k.starts_with("lua-") || (k == "http-request" && l.word(1).starts_with("lua.")) ||
        (k == "tcp-request" && l.word(1) == "content" && l.word(2).starts_with("lua.")))
      throw ConfigError(l.where, fmt::format("{}: Lua code the harness cannot rewrite", k),
                        "gate a copy of the config without the Lua parts");
    if (k == "tcp-request" && has_word(l, "expect-proxy"))
      throw ConfigError(l.where, "tcp-request ... expect-proxy: every connection must start with a PROXY "
                                 "header, which the harness's clients do not send",
                        "gate a copy of the config without it (the harness connects directly)");

    if (s.kind == "global") return global(l);
    if (frontend_like(s.kind) && k == "bind") return bind(l, addresses);
    if ((s.kind == "backend" || s.kind == "listen") && (k == "server" || k == "server-template"))
      return server(l);
    if ((s.kind == "backend" || s.kind == "listen" || s.kind == "defaults") && k == "default-server")
      return upstream_options(l, 1, "");
    if ((s.kind == "backend" || s.kind == "listen") && k == "dispatch") return put(l, in_.backend);
    if (k == "log" && l.words.size() > 1 && l.word(1) != "global") return log(l);
    if (s.kind == "resolvers" && k == "nameserver" && l.words.size() > 2)
      return put(l, l.words[1].raw + " 127.0.0.1:1" + rest(l, 3));  // closed: no lookup leaves the host
    if (s.kind == "resolvers" && k == "parse-resolv-conf")
      return drop(l, "the host's resolvers are not loopback");
    if ((s.kind == "mailers" && k == "mailer") || (s.kind == "ring" && k == "server"))
      return put(l, l.words[1].raw + " 127.0.0.1:1" + rest(l, 3));
    if (s.kind == "peers" && (k == "peer" || k == "server") && l.words.size() > 2)
      return put(l, l.words[1].raw + " " + loopback(spare_port()) + rest(l, 3));
    if ((s.kind == "peers" || s.kind == "log-forward") && (k == "bind" || k == "dgram-bind"))
      return put(l, loopback(spare_port()) + rest(l, 2));
    emit(l.text, l.where);
  }

  // Words from `from` on as written, after a space.
  std::string rest(const Line& l, std::size_t from) const {
    const auto r = joined_raw(l, from);
    return r.empty() ? "" : " " + r;
  }

  void global(const Line& l) {
    const std::string& k = l.word(0);
    if (k == "daemon" || k == "master-worker")
      return drop(l, "the harness runs HAProxy in the foreground and stops it by its PID");
    if (k == "chroot") return drop(l, "the run's certificates are outside it");
    if (k == "user" || k == "group" || k == "uid" || k == "gid")
      return drop(l, "HAProxy keeps the harness's user, which can read the run's private files");
    if (k == "pidfile") return put(l, runtime("haproxy.pid"));
    if (k == "stats" && l.word(1) == "socket" && l.words.size() > 2) {
      // sun_path holds 108 bytes and HAProxy adds a suffix while it binds.
      if ((in_.runtime_dir / "admin.sock").string().size() > 90)
        return drop(l, "a socket under the run's directory would be longer than a unix socket path may be");
      return put(l, "socket " + runtime("admin.sock") + rest(l, 3));
    }
    if (k == "server-state-file") return put(l, runtime("server-state"));
    if (k == "server-state-base") return put(l, quote(in_.runtime_dir.string()));
    if (k == "log" && l.words.size() > 1) return log(l);
    emit(l.text, l.where);
  }

  // HAProxy's log goes to its stderr, which the harness keeps beside the run's reports.
  void log(const Line& l) {
    if (l.word(1) == "stderr") return emit(l.text, l.where);
    put(l, "stderr" + rest(l, 2));
  }

  void bind(const Line& l, std::set<std::string>& addresses) {
    std::vector<std::string> moved;
    for (const auto& a : split_commas(l.word(1))) {
      const auto addr = loopback(mapped(bind_port(l, a), l.where));
      if (addresses.insert(addr).second) moved.push_back(addr);
    }
    if (moved.empty()) return drop(l, "same port as another bind of this section once on loopback");
    std::string args;
    for (const auto& a : moved) args += (args.empty() ? "" : ",") + a;
    bool crt_done = false;
    for (std::size_t i = 2; i < l.words.size(); ++i) {
      const auto& w = l.words[i].value;
      const bool has_value = i + 1 < l.words.size();
      if (w == "crt-list")
        throw ConfigError(l.where, fmt::format("bind ... crt-list {}: a certificate list can set verify and "
                                               "ca-file per certificate, which one fixture certificate cannot stand for",
                                               l.word(i + 1)),
                          "gate a copy of the config with crt instead of crt-list");
      if (w == "accept-proxy")
        throw ConfigError(l.where, "bind ... accept-proxy: every connection must start with a PROXY header, "
                                   "which the harness's clients do not send",
                          "gate a copy of the config without accept-proxy (the harness connects directly)");
      if (w == "crt" && has_value) {
        if (!crt_done) args += " crt " + absolute(in_.server_pem);
        crt_done = true;
        ++i;
        continue;
      }
      if (w == "ca-file" && has_value) {
        args += " ca-file " + (in_.client_ca ? absolute(*in_.client_ca) : as_written_path(l.word(i + 1)));
        ++i;
        continue;
      }
      if (w == "crl-file" && has_value) {
        args += " crl-file " + (in_.crl ? absolute(*in_.crl) : as_written_path(l.word(i + 1)));
        ++i;
        continue;
      }
      if (w == "v4v6" || w == "v6only") continue;  // the loopback address is IPv4 or IPv6 already
      args += " " + l.words[i].raw;
    }
    put(l, args);
  }

  void server(const Line& l) {
    // server NAME ADDR [options]; server-template PREFIX COUNT FQDN[:PORT] [options]
    const std::size_t addr_at = l.word(0) == "server" ? 2 : 3;
    if (l.words.size() <= addr_at) return emit(l.text, l.where);
    upstream_options(l, addr_at, in_.backend);
  }

  // Puts back words 1..addr_at-1, the backend instead of the address (when there is one),
  // and every option the loopback backend can honour.
  void upstream_options(const Line& l, std::size_t addr_at, const std::string& backend) {
    std::string args;
    for (std::size_t i = 1; i < addr_at; ++i) args += (args.empty() ? "" : " ") + l.words[i].raw;
    std::size_t i = addr_at;
    if (!backend.empty()) {
      args += " " + backend;
      ++i;
    }
    for (; i < l.words.size(); ++i) {
      const auto& w = l.words[i].value;
      if (listed(kUpstreamOptionsWithValue, w)) {
        ++i;
        continue;
      }
      if (listed(kUpstreamFlags, w)) continue;
      args += (args.empty() ? "" : " ") + l.words[i].raw;
    }
    put(l, args);
  }

  const Inputs& in_;
  bool ca_base_ = false;
  Rendered out_;
};

}  // namespace

Rendered rewrite(const Config& config, const Inputs& in) { return Rewriter(in).run(config); }

}  // namespace mtls::userconf::haproxy
