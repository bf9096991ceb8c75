#include "userconf/caddy_rewrite.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>

namespace mtls::userconf::caddy {
namespace {

namespace fs = std::filesystem;

// Inside a tls block: what makes Caddy obtain a certificate itself (ACME, its internal CA).
constexpr std::string_view kIssuance[] = {"issuer", "dns", "on_demand", "ca", "ca_root", "load", "eab",
                                          "resolvers", "key_type", "propagation_timeout", "propagation_delay",
                                          "dns_ttl", "dns_challenge_override_domain", "get_certificate"};
// Inside `transport http`: TLS to the upstream, which the loopback backend does not speak.
constexpr std::string_view kUpstreamTls[] = {"tls", "tls_client_auth", "tls_insecure_skip_verify",
                                             "tls_timeout", "tls_trusted_ca_certs", "tls_server_name",
                                             "tls_renegotiation", "tls_except_ports", "tls_trust_pool"};

template <std::size_t N>
bool listed(const std::string_view (&list)[N], std::string_view v) {
  return std::find(std::begin(list), std::end(list), v) != std::end(list);
}

std::string joined_raw(const Statement& s, std::size_t from = 0) {
  std::string out;
  for (std::size_t i = from; i < s.words.size(); ++i) out += (out.empty() ? "" : " ") + s.words[i].raw;
  return out;
}

std::string indent_of(const Statement& s) {
  if (s.text.empty()) return "";
  const auto& t = s.text.front();
  const auto n = t.find_first_not_of(" \t");
  return t.substr(0, n == std::string::npos ? 0 : n);
}

bool is_snippet(const Statement& s) {
  return s.has_block && s.words.size() == 1 && s.word(0).size() > 2 && s.word(0).front() == '(' && s.word(0).back() == ')';
}
bool is_global(const Statement& s) { return s.has_block && s.words.empty(); }

struct Address {
  std::string scheme;  // "http", "https" or ""
  std::string host;
  int port = 0;
  std::string path;
  bool tls() const { return scheme != "http" && !(scheme.empty() && port == 80); }
};

Address parse_address(std::string a, const Where& w) {
  if (!a.empty() && a.back() == ',') a.pop_back();
  if (a.find("{$") != std::string::npos || a.find("{env.") != std::string::npos)
    throw ConfigError(w, fmt::format("site address {}: from an environment variable", a),
                      "write the address in the Caddyfile (the harness moves it to loopback anyway)");
  if (a.starts_with("unix/"))
    throw ConfigError(w, fmt::format("site address {}: a unix socket", a), "gate a copy that listens on a TCP port");
  Address out;
  if (const auto s = a.find("://"); s != std::string::npos) {
    out.scheme = a.substr(0, s);
    a = a.substr(s + 3);
  }
  if (const auto slash = a.find('/'); slash != std::string::npos) {
    out.path = a.substr(slash);
    a = a.substr(0, slash);
  }
  const auto bracket = a.rfind(']');
  const auto colon = a.rfind(':');
  if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) {
    const auto port = a.substr(colon + 1);
    if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5)
      throw ConfigError(w, fmt::format("site address {}: cannot read one port in it", a), "write it as host:443");
    out.port = std::stoi(port);
    out.host = a.substr(0, colon);
  } else {
    out.host = a;
    out.port = out.scheme == "http" ? 80 : 443;
  }
  return out;
}

std::vector<Address> site_addresses(const Statement& s) {
  std::vector<Address> out;
  for (const auto& w : s.words) {
    if (w.value == ",") continue;
    out.push_back(parse_address(w.value, s.where));
  }
  return out;
}

const Statement* child(const Statements& ss, std::string_view name) {
  for (const auto& s : ss)
    if (s.word(0) == name) return &s;
  return nullptr;
}

}  // namespace

namespace {

// The client_auth mode of a site's tls, or of the tls of a snippet it imports; "" without one.
std::string client_auth_mode(const Statement& site, const std::map<std::string, const Statement*>& snippets) {
  const Statement* tls = child(site.block, "tls");
  for (const auto& s : site.block)
    if (!tls && s.word(0) == "import" && snippets.count(s.word(1))) tls = child(snippets.at(s.word(1))->block, "tls");
  if (!tls) return "";
  const auto* ca = child(tls->block, "client_auth");
  if (!ca) return "";
  const auto* mode = child(ca->block, "mode");
  const bool trusted = child(ca->block, "trusted_ca_cert_file") || child(ca->block, "trusted_ca_cert");
  return mode ? mode->word(1) : trusted ? "require_and_verify" : "require";
}

// header_up puts a header on the proxied request, header on the answer; identity headers read
// the client's certificate ({http.request.tls.client.*}, {tls_client_*}).
void identity_headers(const Statements& ss, std::vector<IdentityHeader>& out) {
  for (const auto& s : ss) {
    identity_headers(s.block, out);
    const bool request = s.word(0) == "header_up";
    if ((!request && s.word(0) != "header") || s.words.size() < 3) continue;
    const auto& value = s.word(2);
    if (value.find("{http.request.tls.client") == std::string::npos && value.find("{tls_client_") == std::string::npos)
      continue;
    auto name = s.word(1);
    if (!name.empty() && (name[0] == '+' || name[0] == '>')) name.erase(0, 1);  // add, defer
    std::string text;
    for (const auto& w : s.words) text += (text.empty() ? "" : " ") + w.raw;
    add_identity_header(out, {name, request, s.where, text});
  }
}

}  // namespace

Facts facts(const Statements& config, const fs::path& main_file, const std::string& wanted) {
  Facts f;
  std::vector<std::pair<const Statement*, Address>> sites;
  std::map<std::string, const Statement*> snippets;
  for (const auto& s : config) {
    if (is_snippet(s)) snippets[s.word(0).substr(1, s.word(0).size() - 2)] = &s;
    if (!s.has_block || is_global(s) || is_snippet(s)) continue;
    for (auto& a : site_addresses(s)) {
      auto it = std::find_if(f.listeners.begin(), f.listeners.end(), [&](const Listener& l) { return l.written_port == a.port; });
      if (it == f.listeners.end()) {
        f.listeners.push_back({a.port, 0, false, s.where});
        it = f.listeners.end() - 1;
      }
      it->ssl = it->ssl || a.tls();
      sites.emplace_back(&s, a);
    }
  }
  if (sites.empty())
    throw ConfigError({main_file, 0}, "no site block (address { ... }): nothing listens",
                      "point [target] config at the Caddyfile with the site that verifies clients");
  f.chosen_port = choose_listener(f.listeners, wanted, main_file, "add a site block such as api.example.com:443 { tls ... }");
  bool chosen = false;
  for (const auto& [site, a] : sites) {
    if (a.port != f.chosen_port || !a.tls()) continue;
    const auto mode = client_auth_mode(*site, snippets);
    if (!chosen) {
      if (a.host.find_first_of("*{") == std::string::npos) f.server_name = a.host;
      f.mode = mode;
      chosen = true;
    }
    if (!a.host.empty() && a.host.find_first_of("*{") == std::string::npos)
      f.sites.push_back({a.host, mode.empty() ? "none" : mode, mode == "require_and_verify", site->where});
  }
  identity_headers(config, f.identity_headers);
  return f;
}

namespace {

class Rewriter {
 public:
  explicit Rewriter(const Inputs& in) : in_(in) {}

  Rendered run(const Statements& config) {
    for (const auto& s : config)
      if (is_snippet(s) && child(s.block, "tls")) tls_snippets_.insert(s.word(0).substr(1, s.word(0).size() - 2));
    const Where top{config.empty() ? fs::path() : config.front().where.file, 0};
    const bool has_global = std::any_of(config.begin(), config.end(), is_global);
    if (!has_global) {
      note(top, "{ global options }", "", "admin off, auto_https off, storage in the run's directory");
      emit("{", top);
      global_additions({}, top, "\t");
      emit("}", top);
    }
    for (const auto& s : config) {
      if (is_global(s)) global(s);
      else if (is_snippet(s)) generic_block(s, 0);
      else if (s.has_block) site(s);
      else if (s.words.empty()) as_written(s);
      else directive(s, 0);
    }
    return std::move(out_);
  }

 private:
  void emit(const std::string& text, const Where& w) {
    out_.text += text + "\n";
    out_.origin.push_back(w);
  }
  void as_written(const Statement& s) {
    for (std::size_t i = 0; i < s.text.size(); ++i) emit(s.text[i], {s.where.file, s.where.line + static_cast<int>(i)});
  }
  void note(const Where& w, const std::string& d, const std::string& from, const std::string& to) {
    out_.changes.push_back({w, d, from, to});
  }
  // The statement with new arguments; its block (if any) follows from the caller.
  void put(const Statement& s, const std::string& args) {
    note(s.where, s.word(0), joined_raw(s, 1), args);
    emit(indent_of(s) + s.words[0].raw + (args.empty() ? "" : " " + args) + (s.has_block ? " {" : "") +
             (s.comment.empty() ? "" : " " + s.comment),
         s.where);
  }
  void drop(const Statement& s, const std::string& why) {
    note(s.where, s.word(0), (s.words.size() > 1 ? joined_raw(s, 1) + " " : "") + "(" + why + ")", "");
    emit(indent_of(s) + "# " + joined_raw(s) + (s.has_block ? " { ... }" : "") + "  # removed by mtls-harness: " + why,
         s.where);
  }
  void close(const Statement& s) { emit(s.close_text, s.close_where); }
  static std::string absolute(const fs::path& p) { return quote(fs::absolute(p).lexically_normal().string()); }
  std::string runtime(const std::string& name) const { return absolute(in_.runtime_dir / name); }
  int mapped(int written, const Where& w) const {
    const auto it = in_.ports.find(written);
    if (it == in_.ports.end()) throw ConfigError(w, fmt::format("no loopback port was picked for port {}", written), "");
    return it->second;
  }

  void global_additions(const std::set<std::string>& present, const Where& w, const std::string& indent) {
    if (!present.count("admin")) emit(indent + "admin off", w);
    if (!present.count("auto_https")) emit(indent + "auto_https off", w);
    if (!present.count("storage")) emit(indent + "storage file_system " + runtime("data"), w);
  }

  void global(const Statement& g) {
    as_written(g);
    std::set<std::string> present;
    const std::string inner = indent_of(g) + "\t";
    for (const auto& s : g.block) {
      const auto& k = s.word(0);
      present.insert(k);
      if (k == "admin") {
        if (s.has_block) drop(s, "the harness runs Caddy without its admin endpoint");
        else if (s.word(1) != "off") put(s, "off");
        else as_written(s);
        if (s.has_block) skip_block(s);
        continue;
      }
      if (k == "auto_https") {
        s.word(1) == "off" ? as_written(s) : put(s, "off");
        continue;
      }
      if (k == "storage") {
        put(s, "file_system " + runtime("data"));
        if (s.has_block) skip_block(s);
        continue;
      }
      if (k == "http_port" || k == "https_port") {
        drop(s, "every site address has its loopback port");
        continue;
      }
      if (k == "log" && s.has_block) {
        as_written(s);
        log_block(s, "caddy.log");
        continue;
      }
      s.has_block ? generic_block(s, 1) : as_written(s);
    }
    if (!present.count("admin") || !present.count("auto_https") || !present.count("storage"))
      note(g.where, "{ global options }", "", "what is missing of admin off, auto_https off, storage in the run's directory");
    global_additions(present, g.where, inner);
    close(g);
  }

  // A removed block's lines are commented out with its opening line (drop()); its closing
  // brace must not stay.
  void skip_block(const Statement& s) { emit(indent_of(s) + "# }", s.close_where); }

  void log_block(const Statement& s, const std::string& file) {
    for (const auto& c : s.block) {
      if (c.word(0) == "output" && (c.word(1) == "file" || c.word(1) == "net")) {
        put(c, "file " + runtime(file));
        if (c.has_block) {
          for (const auto& inner : c.block) as_written(inner);
          close(c);
        }
        continue;
      }
      c.has_block ? generic_block(c, 2) : as_written(c);
    }
    close(s);
  }

  void site(const Statement& s) {
    std::string args;
    for (const auto& a : site_addresses(s)) {
      const int port = mapped(a.port, s.where);
      const std::string addr = fmt::format("{}://{}:{}{}", a.tls() ? "https" : "http", a.host, port, a.path);
      args += (args.empty() ? "" : ", ") + addr;
    }
    note(s.where, "site", joined_raw(s), args);
    emit(indent_of(s) + args + " {", s.where);
    const std::string inner = indent_of(s) + "\t";
    const bool has_bind = child(s.block, "bind") != nullptr;
    bool has_tls = child(s.block, "tls") != nullptr;
    for (const auto& c : s.block)
      if (c.word(0) == "import" && tls_snippets_.count(c.word(1))) has_tls = true;
    const bool serves_tls = [&] {
      for (const auto& a : site_addresses(s))
        if (a.tls()) return true;
      return false;
    }();
    if (!has_bind) {
      note(s.where, "bind", "", in_.host);
      emit(inner + "bind " + in_.host, s.where);
    }
    if (!has_tls && serves_tls) {
      note(s.where, "tls", "", fmt::format("{} {} (instead of a certificate Caddy would obtain)", in_.server_cert.string(),
                                           in_.server_key.string()));
      emit(inner + "tls " + absolute(in_.server_cert) + " " + absolute(in_.server_key), s.where);
    }
    for (const auto& c : s.block) directive(c, 1);
    close(s);
  }

  void generic_block(const Statement& s, int depth) {
    as_written(s);
    for (const auto& c : s.block) directive(c, depth + 1);
    close(s);
  }

  void directive(const Statement& s, int depth) {
    const auto& k = s.word(0);
    if (s.words.empty()) return as_written(s);
    if (k == "bind") return put(s, in_.host);
    if (k == "tls") return tls(s);
    if (k == "reverse_proxy") return reverse_proxy(s, depth);
    if (k == "php_fastcgi")
      throw ConfigError(s.where, "php_fastcgi: the harness's loopback backend speaks HTTP only",
                        "gate a copy of the Caddyfile that proxies with reverse_proxy");
    if (k == "log" && s.has_block) {
      as_written(s);
      return log_block(s, "access.log");
    }
    if (s.has_block) return generic_block(s, depth);
    as_written(s);
  }

  void tls(const Statement& s) {
    const auto to = absolute(in_.server_cert) + " " + absolute(in_.server_key);
    if (s.words.size() == 1) {  // a bare `tls`: Caddy would obtain a certificate
      note(s.where, "tls", "(no certificate: Caddy would obtain one)", to);
      emit(indent_of(s) + s.words[0].raw + " " + to + (s.has_block ? " {" : ""), s.where);
    } else {
      put(s, to);
    }
    if (!s.has_block) return;
    for (const auto& c : s.block) {
      if (listed(kIssuance, c.word(0))) {
        drop(c, "the fixture certificate is used, Caddy obtains none");
        if (c.has_block) skip_block(c);
        continue;
      }
      if (c.word(0) == "client_auth" && c.has_block) {
        client_auth(c);
        continue;
      }
      c.has_block ? generic_block(c, 2) : as_written(c);
    }
    close(s);
  }

  void client_auth(const Statement& s) {
    as_written(s);
    bool trust_done = false;
    for (const auto& c : s.block) {
      const bool trust = c.word(0) == "trusted_ca_cert_file" || c.word(0) == "trusted_ca_cert";
      if (trust && in_.client_ca) {
        if (trust_done) {
          drop(c, "one fixture CA bundle stands for the client trust");
          continue;
        }
        trust_done = true;
        note(c.where, c.word(0), joined_raw(c, 1), "trusted_ca_cert_file " + absolute(*in_.client_ca));
        emit(indent_of(c) + "trusted_ca_cert_file " + absolute(*in_.client_ca), c.where);
        continue;
      }
      if (c.word(0) == "trusted_ca_cert_file" && fs::path(c.word(1)).is_relative()) {
        put(c, absolute(in_.conf_dir / c.word(1)));
        continue;
      }
      c.has_block ? generic_block(c, 3) : as_written(c);
    }
    close(s);
  }

  static bool is_matcher(const std::string& w) { return w.starts_with("@") || w.starts_with("/") || w == "*"; }

  void reverse_proxy(const Statement& s, int depth) {
    std::string args;
    std::size_t i = 1;
    if (i < s.words.size() && is_matcher(s.word(i))) args = s.words[i++].raw;
    if (i < s.words.size()) args += (args.empty() ? "" : " ") + std::string("http://") + in_.backend;
    if (i < s.words.size() || !s.has_block) {
      if (joined_raw(s, 1) == args) {
        as_written(s);
      } else {
        put(s, args);
      }
    } else {
      as_written(s);
    }
    if (!s.has_block) return;
    bool to_done = false;
    for (const auto& c : s.block) {
      const auto& k = c.word(0);
      if (k == "to") {
        if (to_done) {
          drop(c, "every upstream is the loopback backend");
          continue;
        }
        to_done = true;
        put(c, "http://" + in_.backend);
        continue;
      }
      if (k == "dynamic")
        throw ConfigError(c.where, "reverse_proxy dynamic upstreams: found at run time, they cannot be moved to loopback",
                          "gate a copy of the Caddyfile with the upstreams written out");
      if (k == "transport") {
        if (c.word(1) == "fastcgi")
          throw ConfigError(c.where, "transport fastcgi: the harness's loopback backend speaks HTTP only",
                            "gate a copy of the Caddyfile that proxies over http");
        if (!c.has_block) {
          as_written(c);
          continue;
        }
        as_written(c);
        for (const auto& t : c.block) {
          if (listed(kUpstreamTls, t.word(0))) {
            drop(t, "the loopback backend speaks plain HTTP");
            if (t.has_block) skip_block(t);
            continue;
          }
          t.has_block ? generic_block(t, depth + 3) : as_written(t);
        }
        close(c);
        continue;
      }
      c.has_block ? generic_block(c, depth + 2) : as_written(c);
    }
    close(s);
  }

  const Inputs& in_;
  std::set<std::string> tls_snippets_;
  Rendered out_;
};

}  // namespace

Rendered rewrite(const Statements& config, const Inputs& in) { return Rewriter(in).run(config); }

}  // namespace mtls::userconf::caddy
