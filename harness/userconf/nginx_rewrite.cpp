#include "userconf/nginx_rewrite.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <set>

namespace mtls::userconf::nginx {
namespace fs = std::filesystem;
namespace {

// Where nginx would connect when OCSP has no responder of ours: a loopback port nothing
// listens on (the discard port), so a lookup fails fast instead of leaving the machine.
constexpr std::string_view kNoResponder = "http://127.0.0.1:9/";

// Upstream protocols the loopback backend (plain HTTP/1.1) cannot answer.
constexpr std::string_view kOtherProtocols[] = {"grpc_pass", "fastcgi_pass", "uwsgi_pass",
                                                "scgi_pass", "memcached_pass"};
// Files nginx resolves against the directory of its main config (ngx_conf_full_name).
// Relative paths nginx resolves against its conf directory; the rendered copy lives elsewhere.
// The client trust and CRL reach this list only when they are left as written.
constexpr std::string_view kConfRelativeFiles[] = {"ssl_dhparam", "ssl_password_file",
                                                   "ssl_client_certificate", "ssl_trusted_certificate",
                                                   "ssl_crl",
                                                   "ssl_session_ticket_key", "ssl_stapling_file",
                                                   "auth_basic_user_file"};
constexpr std::string_view kTempPaths[] = {"client_body_temp_path", "proxy_temp_path",
                                           "fastcgi_temp_path", "uwsgi_temp_path",
                                           "scgi_temp_path"};

template <class List>
bool listed(const List& list, std::string_view name) {
  return std::find(std::begin(list), std::end(list), name) != std::end(list);
}

// Where a host written as a variable ends ($backend, ${backend}, then :port): what follows
// ($request_uri, /path) is the URI, kept.
std::size_t variable_end(const std::string& v, std::size_t at) {
  auto name_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  std::size_t i = at + 1;
  if (i < v.size() && v[i] == '{') {
    i = v.find('}', i);
    i = i == std::string::npos ? v.size() : i + 1;
  } else {
    while (i < v.size() && name_char(v[i])) ++i;
  }
  if (i < v.size() && v[i] == ':') {
    ++i;
    if (i < v.size() && v[i] == '$') return variable_end(v, i);
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) ++i;
  }
  return i >= v.size() ? std::string::npos : i;
}

std::string joined_raw(const Directive& d, std::size_t from = 0) {
  std::string out;
  for (std::size_t i = from; i < d.args.size(); ++i) out += (out.empty() ? "" : " ") + d.args[i].raw;
  return out;
}

const Directive* find(const Directives& ds, std::string_view name) {
  for (const auto& d : ds)
    if (d.name == name) return &d;
  return nullptr;
}

// The port of a listen address: "443", "*:443", "[::]:443", "10.0.0.1:443"; a bare host
// listens on 80. Unix sockets have none.
int listen_port(const Directive& d) {
  const std::string& a = d.arg(0);
  if (a.starts_with("unix:"))
    throw ConfigError(d.where, fmt::format("listen {}: a unix socket listener cannot be probed over TCP", a),
                      "gate a copy of the config that listens on a port");
  std::string port;
  if (a.starts_with('[')) {
    const auto close = a.find("]:");
    port = close == std::string::npos ? "80" : a.substr(close + 2);
  } else if (std::all_of(a.begin(), a.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    port = a;
  } else {
    const auto colon = a.rfind(':');
    port = colon == std::string::npos ? "80" : a.substr(colon + 1);
  }
  try {
    const int p = std::stoi(port);
    if (p > 0 && p < 65536 && std::to_string(p) == port) return p;
  } catch (const std::exception&) {
  }
  throw ConfigError(d.where, fmt::format("listen {}: cannot read the port", a),
                    "write it as listen 443 ssl; or listen 10.0.0.1:443 ssl;");
}

bool listens_ssl(const Directive& d) {
  return std::any_of(d.args.begin() + 1, d.args.end(), [](const Word& w) { return w.value == "ssl"; });
}

bool literal_name(const std::string& n) {
  return !n.empty() && n != "_" && n.find_first_of("*~$") == std::string::npos && n.front() != '.';
}

// proxy_set_header / grpc_set_header put a header on the proxied request; add_header on the
// answer. Only those whose value reads the client's certificate are identity headers.
void identity_headers(const Directives& ds, std::vector<IdentityHeader>& out) {
  for (const auto& d : ds) {
    if (d.has_block) identity_headers(d.block, out);
    const bool request = d.name == "proxy_set_header" || d.name == "grpc_set_header";
    if ((!request && d.name != "add_header") || d.args.size() < 2) continue;
    if (d.arg(1).find("$ssl_client_") == std::string::npos) continue;
    add_identity_header(out, {d.arg(0), request, d.where, d.raw_name + " " + joined_raw(d)});
  }
}

struct ServerView {
  const Directive* server = nullptr;
  std::vector<int> ports;
};

// The server blocks of http (and stream) with the ports they listen on.
std::vector<ServerView> servers(const Directives& config, const Directives*& http) {
  std::vector<ServerView> out;
  http = nullptr;
  auto collect = [&](const Directives& ds) {
    for (const auto& d : ds) {
      if (d.name != "server" || !d.has_block) continue;
      ServerView v{&d, {}};
      bool ssl_on = false;
      for (const auto& inner : d.block)
        if (inner.name == "ssl" && inner.arg(0) == "on") ssl_on = true;
      for (const auto& inner : d.block)
        if (inner.name == "listen") v.ports.push_back(listen_port(inner));
      if (v.ports.empty()) v.ports.push_back(ssl_on ? 443 : 80);
      out.push_back(v);
    }
  };
  const bool site_file = !find(config, "http") && find(config, "server");
  if (site_file) collect(config);
  for (const auto& d : config) {
    if (d.name == "http" && d.has_block) {
      http = &d.block;
      collect(d.block);
    }
    if (d.name == "stream" && d.has_block) collect(d.block);
  }
  if (site_file) http = &config;
  return out;
}

}  // namespace

Facts facts(const Directives& config, const fs::path& main_file, const std::string& wanted) {
  Facts f;
  const Directives* http = nullptr;
  const auto views = servers(config, http);
  for (const auto& v : views) {
    for (const auto& inner : v.server->block) {
      if (inner.name != "listen") continue;
      const int port = listen_port(inner);
      auto it = std::find_if(f.listeners.begin(), f.listeners.end(),
                             [&](const Listener& l) { return l.written_port == port; });
      if (it == f.listeners.end()) {
        f.listeners.push_back({port, 0, false, inner.where});
        it = f.listeners.end() - 1;
      }
      it->ssl = it->ssl || listens_ssl(inner);
    }
    for (int port : v.ports)  // a server without listen
      if (std::none_of(f.listeners.begin(), f.listeners.end(),
                       [&](const Listener& l) { return l.written_port == port; }))
        f.listeners.push_back({port, 0, port == 443, v.server->where});
  }
  if (views.empty())
    throw ConfigError({main_file, 0}, "no server block: nothing listens",
                      "point [target] config at the file with the server { listen ... ssl; } block");

  f.chosen_port = choose_listener(f.listeners, wanted, main_file,
                                  "add listen 443 ssl; to the server that verifies clients");

  // The first server on that port answers a client whose name matches none (nginx's default).
  const Directive* chosen = nullptr;
  for (const auto& v : views)
    if (std::find(v.ports.begin(), v.ports.end(), f.chosen_port) != v.ports.end()) {
      chosen = v.server;
      break;
    }
  auto setting = [&](std::string_view name) -> const Directive* {
    if (const auto* d = find(chosen->block, name)) return d;
    return http ? find(*http, name) : nullptr;
  };
  if (const auto* d = setting("ssl_verify_client")) f.verify = d->arg(0);
  f.crl = setting("ssl_crl") != nullptr;
  for (const auto& d : chosen->block)
    if (d.name == "server_name")
      for (const auto& a : d.args)
        if (f.server_name.empty() && literal_name(a.value)) f.server_name = a.value;
  identity_headers(config, f.identity_headers);
  for (const auto& v : views) {
    if (std::find(v.ports.begin(), v.ports.end(), f.chosen_port) == v.ports.end()) continue;
    std::string verify = "off";
    if (const auto* d = find(v.server->block, "ssl_verify_client")) verify = d->arg(0);
    else if (http && (d = find(*http, "ssl_verify_client"))) verify = d->arg(0);
    for (const auto& d : v.server->block)
      if (d.name == "server_name")
        for (const auto& a : d.args)
          if (literal_name(a.value)) f.sites.push_back({a.value, verify, verify == "on", d.where});
  }
  return f;
}

namespace {

class Rewriter {
 public:
  explicit Rewriter(const Inputs& in) : in_(in) {}

  Rendered run(const Directives& config) {
    collect_upstreams(config);
    const bool site_file = !find(config, "http") && !find(config, "stream") && find(config, "server");
    const Where top{config.empty() ? fs::path() : config.front().where.file, 0};
    main_preamble(config, top);
    if (site_file) {
      note(top, "http", "", "{ ... } around the file's server blocks (a site file)");
      line(0, "events { worker_connections 1024; }", top);
      line(0, "http {", top);
      body(config, {"http"}, 1);
      http_additions(config, top, 1);
      line(0, "}", top);
    } else {
      body(config, {}, 0);
      if (!find(config, "events")) {
        note(top, "events", "", "{ } (the config has none)");
        line(0, "events { }", top);
      }
    }
    return std::move(out_);
  }

 private:
  using Ctx = std::vector<std::string>;

  void line(int depth, const std::string& text, const Where& w) {
    out_.text += std::string(static_cast<std::size_t>(depth) * 4, ' ') + text + "\n";
    out_.origin.push_back(w);
  }
  void note(const Where& w, std::string directive, std::string from, std::string to) {
    out_.changes.push_back({w, std::move(directive), std::move(from), std::move(to)});
  }
  // A directive put out with new arguments (raw words), noted when they differ.
  void put(const Directive& d, int depth, const std::string& args) {
    const auto before = joined_raw(d);
    if (before != args) note(d.where, d.name, before, args.empty() ? "(no arguments)" : args);
    line(depth, d.name + (args.empty() ? "" : " " + args) + ";", d.where);
  }
  void drop(const Directive& d, int depth, const std::string& why) {
    note(d.where, d.name, joined_raw(d), "");
    line(depth, fmt::format("# {} {};  # removed: {}", d.name, joined_raw(d), why), d.where);
  }
  // Absolute: nginx resolves a relative path against its prefix, the run's directory.
  std::string path(const fs::path& p) const { return quote(fs::absolute(p).lexically_normal().string()); }
  std::string runtime(std::string_view name) const { return path(in_.runtime_dir / name); }

  void collect_upstreams(const Directives& ds) {
    for (const auto& d : ds) {
      if (d.name == "upstream" && d.has_block) upstreams_.insert(d.arg(0));
      if (d.has_block) collect_upstreams(d.block);
    }
  }

  void main_preamble(const Directives& config, const Where& top) {
    // Settings the harness needs whatever the config says: foreground, its own pid file.
    if (!find(config, "daemon")) {
      note(top, "daemon", "", "off");
      line(0, "daemon off;", top);
    }
    if (!find(config, "pid")) {
      note(top, "pid", "", runtime("nginx.pid"));
      line(0, "pid " + runtime("nginx.pid") + ";", top);
    }
    if (in_.run_as_root && !find(config, "user")) {
      note(top, "user", "", "root");
      line(0, "user root;", top);
    }
  }

  void http_additions(const Directives& http, const Where& w, int depth) {
    for (auto name : kTempPaths)
      if (!find(http, name)) {
        const auto to = runtime(fmt::format("tmp/{}", name.substr(0, name.find("_temp"))));
        note(w, std::string(name), "", to);
        line(depth, fmt::format("{} {};", name, to), w);
      }
    if (!find(http, "access_log")) {
      note(w, "access_log", "", runtime("access.log"));
      line(depth, "access_log " + runtime("access.log") + ";", w);
    }
  }

  void body(const Directives& ds, const Ctx& ctx, int depth) {
    std::set<std::string> listens;  // rewritten listen addresses of this block
    int certs = 0, keys = 0;
    for (const auto& d : ds) one(d, ctx, depth, listens, certs, keys);
    const bool http_server = ctx.size() >= 2 && ctx.back() == "server" && ctx[ctx.size() - 2] == "http";
    if (http_server && !find(ds, "listen")) {
      // nginx would listen on *:80 (or 8000): every interface.
      const int port = find(ds, "ssl") ? 443 : 80;
      const auto to = fmt::format("{}:{}", host(), mapped(port, ds.empty() ? Where{} : ds.front().where));
      note(ds.empty() ? Where{} : ds.front().where, "listen", "", to);
      line(depth, "listen " + to + ";", ds.empty() ? Where{} : ds.front().where);
    }
    if (!ctx.empty() && (ctx.back() == "server" || ctx.back() == "location" || ctx.back() == "http"))
      ocsp_responders(ds, depth);
  }

  // ssl_ocsp / ssl_stapling without a responder ask the URL in the certificate: anywhere.
  void ocsp_responders(const Directives& ds, int depth) {
    const auto* ocsp = find(ds, "ssl_ocsp");
    if (ocsp && ocsp->arg(0) != "off" && !find(ds, "ssl_ocsp_responder")) {
      note(ocsp->where, "ssl_ocsp_responder", "", responder());
      line(depth, "ssl_ocsp_responder " + responder() + ";", ocsp->where);
    }
    const auto* stapling = find(ds, "ssl_stapling");
    if (stapling && stapling->arg(0) == "on" && !find(ds, "ssl_stapling_responder")) {
      note(stapling->where, "ssl_stapling_responder", "", responder());
      line(depth, "ssl_stapling_responder " + responder() + ";", stapling->where);
    }
  }

  std::string responder() const { return in_.ocsp_url.empty() ? std::string(kNoResponder) : in_.ocsp_url; }
  std::string host() const { return in_.host.find(':') != std::string::npos ? "[" + in_.host + "]" : in_.host; }
  int mapped(int written, const Where& w) const {
    const auto it = in_.ports.find(written);
    if (it == in_.ports.end())
      throw ConfigError(w, fmt::format("no loopback port was picked for port {}", written), "");
    return it->second;
  }

  std::string upstream_target(const Directive& d, bool stream) {
    const std::string& v = d.arg(0);
    if (stream) {
      if (upstreams_.count(v) && v.find('$') == std::string::npos) return d.args[0].raw;
      return in_.backend;
    }
    const auto scheme = v.find("://");
    if (scheme == std::string::npos)
      throw ConfigError(d.where, fmt::format("proxy_pass {}: cannot read the URL", v),
                        "write it as proxy_pass http://backend;");
    auto rest_at = v.find('/', scheme + 3);
    if (v.compare(scheme + 3, 1, "$") == 0) rest_at = variable_end(v, scheme + 3);
    std::string authority = v.substr(scheme + 3, rest_at == std::string::npos ? std::string::npos : rest_at - scheme - 3);
    if (authority.starts_with("unix:")) {  // http://unix:/run/app.sock:/uri
      const auto end = v.find(':', scheme + 3 + 5);
      rest_at = end == std::string::npos ? std::string::npos : end + 1;
      authority = "unix";
    }
    const std::string rest = rest_at == std::string::npos ? "" : v.substr(rest_at);
    const bool named_upstream = upstreams_.count(authority) && authority.find('$') == std::string::npos;
    return quote("http://" + (named_upstream ? authority : in_.backend) + rest);
  }

  void one(const Directive& d, const Ctx& ctx, int depth, std::set<std::string>& listens,
           int& certs, int& keys) {
    const std::string parent = ctx.empty() ? "" : ctx.back();
    const bool in_stream = std::find(ctx.begin(), ctx.end(), "stream") != ctx.end();
    const auto& n = d.name;

    if (d.has_block) {
      if (n == "mail")
        throw ConfigError(d.where, "a mail { } block: the harness gates HTTP and stream listeners only",
                          "gate a copy of the config without it");
      line(depth, d.raw_name + (d.args.empty() ? "" : " " + joined_raw(d)) + " {", d.where);
      Ctx inner = ctx;
      inner.push_back(n);
      body(d.block, inner, depth + 1);
      if (n == "http") http_additions(d.block, d.where, depth + 1);
      line(depth, "}", d.where);
      return;
    }
    if (n == "load_module")
      throw ConfigError(d.where, fmt::format("load_module {}: a dynamic module the harness does not know "
                                             "what to rewrite in", d.arg(0)),
                        "gate a copy of the config without it");
    if (n.find("lua") != std::string::npos || n.starts_with("perl") || n.starts_with("js_"))
      throw ConfigError(d.where, fmt::format("\"{}\" belongs to a module (Lua, Perl, njs) the harness "
                                             "cannot rewrite", n),
                        "gate a copy of the config without it");
    if (listed(kOtherProtocols, n))
      throw ConfigError(d.where, fmt::format("{} {}: the harness's loopback backend speaks HTTP only",
                                             n, d.arg(0)),
                        "gate a copy of the config that uses proxy_pass for this location");

    if (n == "daemon") return put(d, depth, "off");
    if (n == "pid") return put(d, depth, runtime("nginx.pid"));
    if (n == "lock_file") return put(d, depth, runtime("nginx.lock"));
    if (n == "working_directory") return put(d, depth, path(in_.runtime_dir));
    if (n == "user") {
      if (in_.run_as_root) return put(d, depth, "root");
      return drop(d, depth, "the harness does not run as root, workers keep its user");
    }
    if (n == "error_log") {
      std::string args = runtime("error.log");
      if (d.args.size() > 1) args += " " + joined_raw(d, 1);
      return put(d, depth, args);
    }
    if (n == "access_log") {
      if (d.arg(0) == "off") return put(d, depth, joined_raw(d));
      std::string args = runtime("access.log");
      if (d.args.size() > 1) args += " " + joined_raw(d, 1);
      return put(d, depth, args);
    }
    if (listed(kTempPaths, n) && parent != "location")
      return put(d, depth, runtime(fmt::format("tmp/{}", n.substr(0, n.find("_temp")))));
    if (n == "listen" && parent == "server") {
      const auto addr = fmt::format("{}:{}", host(), mapped(listen_port(d), d.where));
      if (!listens.insert(addr).second)
        return drop(d, depth, fmt::format("same address as another listen of this server once on {}", addr));
      std::string args = addr;
      for (std::size_t i = 1; i < d.args.size(); ++i)
        if (!d.args[i].value.starts_with("ipv6only=")) args += " " + d.args[i].raw;
      return put(d, depth, args);
    }
    if (n == "ssl_certificate" || n == "ssl_certificate_key") {
      if (d.arg(0).find('$') != std::string::npos)
        throw ConfigError(d.where, fmt::format("{} {}: a certificate loaded from a variable is chosen per "
                                               "connection, so the harness cannot tell which to replace",
                                               n, d.arg(0)),
                          "gate a copy of the config that names the certificate file");
      int& seen = n == "ssl_certificate" ? certs : keys;
      if (seen++ > 0) return drop(d, depth, "the fixture server has one certificate");
      return put(d, depth, path(n == "ssl_certificate" ? in_.server_cert : in_.server_key));
    }
    if ((n == "ssl_client_certificate" || n == "ssl_trusted_certificate") && in_.client_ca)
      return put(d, depth, path(*in_.client_ca));
    if (n == "ssl_crl" && in_.crl) return put(d, depth, path(*in_.crl));
    if (n == "ssl_ocsp_responder" || n == "ssl_stapling_responder") return put(d, depth, responder());
    if (n == "resolver") {
      std::string args = in_.host;
      for (std::size_t i = 0; i < d.args.size(); ++i)
        if (d.args[i].value.find('=') != std::string::npos) args += " " + d.args[i].raw;
      return put(d, depth, args);
    }
    if (n == "proxy_pass") return put(d, depth, upstream_target(d, in_stream));
    if (n == "server" && parent == "upstream") {
      std::string args = in_.backend;
      for (std::size_t i = 1; i < d.args.size(); ++i)
        if (d.args[i].value != "resolve" && !d.args[i].value.starts_with("service="))
          args += " " + d.args[i].raw;
      return put(d, depth, args);
    }
    if (listed(kConfRelativeFiles, n) && !d.args.empty() && fs::path(d.arg(0)).is_relative() &&
        d.arg(0).find('$') == std::string::npos && !d.arg(0).starts_with("data:")) {
      std::string args = path(in_.conf_dir / d.arg(0));
      if (d.args.size() > 1) args += " " + joined_raw(d, 1);
      return put(d, depth, args);
    }
    line(depth, d.raw_name + (d.args.empty() ? "" : " " + joined_raw(d)) + ";", d.where);
  }

  const Inputs& in_;
  Rendered out_;
  std::set<std::string> upstreams_;
};

}  // namespace

Rendered rewrite(const Directives& config, const Inputs& in) { return Rewriter(in).run(config); }

}  // namespace mtls::userconf::nginx
