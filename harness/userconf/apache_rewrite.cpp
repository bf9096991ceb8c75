#include "userconf/apache_rewrite.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <set>

namespace mtls::userconf::apache {
namespace {

namespace fs = std::filesystem;

// Modules a guide-style site file relies on being enabled (Debian enables most by default);
// loaded when the config does not load them itself.
constexpr std::string_view kModules[] = {
    "authz_core", "authz_host", "authn_core", "alias", "dir", "env", "headers", "mime",
    "setenvif", "rewrite", "socache_shmcb", "ssl", "proxy", "proxy_http", "proxy_balancer",
    "lbmethod_byrequests", "slotmem_shm", "remoteip", "reqtimeout", "status"};
constexpr std::string_view kOtherProtocols[] = {"fcgi", "ajp", "scgi", "uwsgi", "ftp"};

std::string joined_raw(const Directive& d, std::size_t from = 0) {
  std::string out;
  for (std::size_t i = from; i < d.args.size(); ++i) out += (out.empty() ? "" : " ") + d.args[i].raw;
  return out;
}

std::string indent_of(const Directive& d) {
  const auto& t = d.text.empty() ? std::string() : d.text.front();
  return t.substr(0, t.find_first_not_of(" \t") == std::string::npos ? 0 : t.find_first_not_of(" \t"));
}

// The port of "*:443", "_default_:443", "[::]:443", "10.0.0.1:443", "443"; 0 when none.
int port_of(const std::string& addr, const Where& w) {
  const auto bracket = addr.rfind(']');
  const auto colon = addr.rfind(':');
  std::string port;
  if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) port = addr.substr(colon + 1);
  else if (addr.find_first_not_of("0123456789") == std::string::npos) port = addr;
  if (port.empty()) return 0;
  if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5)
    throw ConfigError(w, fmt::format("{}: cannot read a port in it", addr), "write the address as *:443");
  return std::stoi(port);
}

template <typename F>
void walk(const Directives& ds, F&& f, const Directive* vhost = nullptr) {
  for (const auto& d : ds) {
    f(d, vhost);
    if (d.section) walk(d.block, f, d.is("VirtualHost") ? &d : vhost);
  }
}

const Directive* find_in(const Directives& ds, std::string_view name) {
  for (const auto& d : ds)
    if (!d.section && d.is(name)) return &d;
  return nullptr;
}

bool ssl_on(const Directives& ds) {
  const auto* d = find_in(ds, "SSLEngine");
  return d && iequals(d->arg(0), "on");
}

}  // namespace

Facts facts(const Directives& config, const fs::path& main_file, const std::string& wanted) {
  Facts f;
  auto add = [&](int port, bool ssl, const Where& w) {
    auto it = std::find_if(f.listeners.begin(), f.listeners.end(), [&](const Listener& l) { return l.written_port == port; });
    if (it == f.listeners.end()) {
      f.listeners.push_back({port, 0, false, w});
      it = f.listeners.end() - 1;
    }
    it->ssl = it->ssl || ssl;
  };
  std::vector<const Directive*> vhosts;
  walk(config, [&](const Directive& d, const Directive* vhost) {
    if (!vhost && !d.section && d.is("Listen") && !d.args.empty())
      add(port_of(d.arg(0), d.where), iequals(d.arg(1), "https"), d.where);
    if (d.section && d.is("VirtualHost")) vhosts.push_back(&d);
  });
  const bool server_ssl = ssl_on(config);
  for (const auto* v : vhosts)
    for (const auto& a : v->args)
      if (const int port = port_of(a.value, v->where)) add(port, server_ssl || ssl_on(v->block), v->where);
  if (f.listeners.empty())
    throw ConfigError({main_file, 0}, "no Listen and no <VirtualHost addr:port>: nothing listens",
                      "point [target] config at the file with the <VirtualHost *:443> that verifies clients");
  f.chosen_port = choose_listener(f.listeners, wanted, main_file,
                                  "add SSLEngine on to the <VirtualHost *:443> that verifies clients");
  const Directive* chosen = nullptr;
  for (const auto* v : vhosts)
    for (const auto& a : v->args)
      if (!chosen && port_of(a.value, v->where) == f.chosen_port && (server_ssl || ssl_on(v->block))) chosen = v;
  auto setting = [&](std::string_view name) -> const Directive* {
    if (chosen)
      if (const auto* d = find_in(chosen->block, name)) return d;
    return find_in(config, name);
  };
  if (const auto* d = setting("SSLVerifyClient")) f.verify = d->arg(0);
  const auto* check = setting("SSLCARevocationCheck");
  // httpd 2.4's SSLCARevocationCheck defaults to none: a CRL file alone is never consulted.
  f.crl_file = setting("SSLCARevocationFile") || setting("SSLCARevocationPath");
  f.crl = f.crl_file && check && !iequals(check->arg(0), "none");
  if (chosen)
    if (const auto* d = find_in(chosen->block, "ServerName")) {
      f.server_name = d->arg(0).substr(0, d->arg(0).find(':'));
      if (f.server_name.find_first_of("*$%{") != std::string::npos) f.server_name.clear();
    }
  walk(config, [&](const Directive& d, const Directive*) {
    const bool request = d.is("RequestHeader");
    if (d.section || (!request && !d.is("Header"))) return;
    std::size_t action = 0;  // Header's optional condition comes first: "Header always set ..."
    if (!request && (iequals(d.arg(0), "always") || iequals(d.arg(0), "onsuccess"))) action = 1;
    const auto& verb = d.arg(action);
    if (!iequals(verb, "set") && !iequals(verb, "add") && !iequals(verb, "append") && !iequals(verb, "merge")) return;
    if (d.args.size() < action + 3 || d.arg(action + 2).find("SSL_CLIENT") == std::string::npos) return;
    std::string text = d.name;
    for (const auto& a : d.args) text += " " + a.raw;
    add_identity_header(f.identity_headers, {d.arg(action + 1), request, d.where, text});
  });
  for (const auto* v : vhosts) {
    bool on_port = false;
    for (const auto& a : v->args) on_port = on_port || port_of(a.value, v->where) == f.chosen_port;
    if (!on_port) continue;
    const auto* d = find_in(v->block, "SSLVerifyClient");
    if (!d) d = find_in(config, "SSLVerifyClient");
    const std::string verify = d ? d->arg(0) : "none";
    for (const auto& n : v->block) {
      if (n.section || (!n.is("ServerName") && !n.is("ServerAlias"))) continue;
      for (const auto& a : n.args) {
        const auto name = a.value.substr(0, a.value.find(':'));
        if (!name.empty() && name.find_first_of("*?$%{") == std::string::npos)
          f.sites.push_back({name, verify, iequals(verify, "require"), n.where});
      }
    }
  }
  return f;
}

namespace {

class Rewriter {
 public:
  explicit Rewriter(const Inputs& in) : in_(in) {}

  Rendered run(const Directives& config) {
    scan(config);
    const Where top{config.empty() ? fs::path() : config.front().where.file, 0};
    preamble(config, top);
    body(config, 0, false);
    return std::move(out_);
  }

 private:
  void emit(const std::string& text, const Where& w) {
    out_.text += text + "\n";
    out_.origin.push_back(w);
  }
  void as_written(const Directive& d) {
    for (std::size_t i = 0; i < d.text.size(); ++i) emit(d.text[i], {d.where.file, d.where.line + static_cast<int>(i)});
  }
  void note(const Where& w, const std::string& directive, const std::string& from, const std::string& to) {
    out_.changes.push_back({w, directive, from, to});
  }
  void put(const Directive& d, const std::string& args, std::string name = "") {
    if (iequals(name, d.name)) name.clear();  // only a renamed directive shows its new name
    const std::string shown = name.empty() ? d.name : name;
    note(d.where, d.name, joined_raw(d), (name.empty() ? "" : name + " ") + args);
    emit(indent_of(d) + shown + " " + args, d.where);
  }
  void drop(const Directive& d, const std::string& why) {
    note(d.where, d.name, joined_raw(d) + " (" + why + ")", "");
    emit(indent_of(d) + "# " + d.name + " " + joined_raw(d) + "  # removed by mtls-harness: " + why, d.where);
  }
  std::string runtime(const std::string& name) const { return absolute(in_.runtime_dir / name); }
  // httpd resolves a relative path against ServerRoot, which is the run's directory now.
  static std::string absolute(const fs::path& p) { return quote(fs::absolute(p).lexically_normal().string()); }
  std::string loopback(int port) const {
    return (in_.host.find(':') != std::string::npos ? "[" + in_.host + "]" : in_.host) + ":" + std::to_string(port);
  }
  int mapped(int written, const Where& w) const {
    const auto it = in_.ports.find(written);
    if (it == in_.ports.end()) throw ConfigError(w, fmt::format("no loopback port was picked for port {}", written), "");
    return it->second;
  }
  std::string as_written_path(const std::string& v) const {
    if (fs::path(v).is_absolute() || v.find('$') != std::string::npos) return quote(v);
    return quote((in_.conf_dir / v).string());
  }

  void scan(const Directives& config) {
    walk(config, [&](const Directive& d, const Directive* vhost) {
      if (d.section) return;
      if (d.is("ErrorLog") && !vhost) has_error_log_ = true;  // a VirtualHost's is not the main one
      if (d.is("LoadModule")) loaded_.insert(d.arg(0));
      if (d.is("TypesConfig")) has_types_config_ = true;
      if (d.is("Listen")) has_listen_ = true;
      if (d.is("ServerRoot")) has_server_root_ = true;
      if (d.is("PidFile")) has_pid_ = true;
      if (d.is("User") || d.is("Group")) has_user_ = true;
    });
    for (const auto& [written, port] : in_.ports) (void)written, ports_.push_back(port);
  }

  // What a loopback run needs before the config's own directives.
  void preamble(const Directives& config, const Where& top) {
    if (!has_server_root_) {
      note(top, "ServerRoot", "", in_.runtime_dir.string());
      emit("ServerRoot " + quote(in_.runtime_dir.string()), top);
    }
    emit("DefaultRuntimeDir " + quote(in_.runtime_dir.string()), top);
    if (!has_pid_) {
      note(top, "PidFile", "", (in_.runtime_dir / "apache.pid").string());
      emit("PidFile " + runtime("apache.pid"), top);
    }
    if (!has_error_log_) {
      note(top, "ErrorLog", "", (in_.runtime_dir / "error.log").string());
      emit("ErrorLog " + runtime("error.log"), top);
    }
    const bool has_mpm = std::any_of(loaded_.begin(), loaded_.end(), [](auto& m) { return m.starts_with("mpm_"); });
    std::vector<std::string> added;
    for (auto m : kModules) {
      const auto name = std::string(m) + "_module";
      if (!loaded_.count(name) && fs::exists(in_.modules_dir / ("mod_" + std::string(m) + ".so"))) added.push_back(name);
    }
    if (!has_mpm) added.insert(added.begin(), "mpm_event_module");
    if (!added.empty()) note(top, "LoadModule", "", fmt::format("{} (from {})", fmt::join(added, ", "), in_.modules_dir.string()));
    for (const auto& name : added)
      emit(fmt::format("LoadModule {} {}", name, quote((in_.modules_dir / ("mod_" + name.substr(0, name.size() - 7) + ".so")).string())), top);
    // mod_mime reads <ServerRoot>/mime.types unless told otherwise (Debian's mime.conf does).
    if (std::find(added.begin(), added.end(), "mime_module") != added.end() && !has_types_config_)
      emit(std::string("TypesConfig ") + (fs::exists("/etc/mime.types") ? "/etc/mime.types" : "/dev/null"), top);
    if (!has_user_ && !in_.user_lines.empty()) {
      note(top, "User", "", fmt::format("{} (httpd started as root must drop privileges)", fmt::join(in_.user_lines, "; ")));
      for (const auto& l : in_.user_lines) emit(l, top);
    }
    if (!has_listen_) {  // a site file: ports.conf had the Listen lines
      for (const auto& l : listeners_of(config)) {
        note(top, "Listen", "", loopback(mapped(l, top)) + " (a site file: the config has no Listen)");
        emit("Listen " + loopback(mapped(l, top)), top);
      }
    }
  }

  std::vector<int> listeners_of(const Directives& config) const {
    std::vector<int> out;
    walk(config, [&](const Directive& d, const Directive*) {
      if (d.section && d.is("VirtualHost"))
        for (const auto& a : d.args)
          if (const int p = port_of(a.value, d.where); p && std::find(out.begin(), out.end(), p) == out.end())
            out.push_back(p);
    });
    return out;
  }

  void body(const Directives& ds, int depth, bool in_vhost) {
    for (const auto& d : ds) {
      if (d.name.empty()) {
        as_written(d);
        continue;
      }
      if (d.section) {
        section(d, depth, in_vhost);
        continue;
      }
      one(d, in_vhost);
    }
  }

  void section(const Directive& d, int depth, bool in_vhost) {
    if (d.is("VirtualHost")) {
      std::vector<std::string> addrs;
      for (const auto& a : d.args) {
        int p = port_of(a.value, d.where);
        if (!p) {
          if (in_.ports.size() != 1)
            throw ConfigError(d.where, fmt::format("<VirtualHost {}>: no port, and the config listens on several", a.value),
                              "write the port: <VirtualHost *:443>");
          p = in_.ports.begin()->first;
        }
        const auto addr = loopback(mapped(p, d.where));
        if (std::find(addrs.begin(), addrs.end(), addr) == addrs.end()) addrs.push_back(addr);
      }
      const auto to = fmt::format("{}", fmt::join(addrs, " "));
      note(d.where, "<VirtualHost>", joined_raw(d), to);
      emit(indent_of(d) + "<VirtualHost " + to + ">", d.where);
      body(d.block, depth + 1, true);
      emit(d.close_text, d.close_where);
      return;
    }
    as_written(d);
    body(d.block, depth + 1, in_vhost);
    emit(d.close_text, d.close_where);
  }

  std::string upstream(const Directive& d, const std::string& url) {
    if (url == "!" || url.starts_with("balancer://")) return quote(url);
    std::string u = url;
    if (u.starts_with("unix:")) {  // unix:/run/app.sock|http://localhost/path
      const auto bar = u.find('|');
      u = bar == std::string::npos ? "http://localhost/" : u.substr(bar + 1);
    }
    const auto scheme_end = u.find("://");
    if (scheme_end == std::string::npos)
      throw ConfigError(d.where, fmt::format("{} {}: cannot read the URL", d.name, url), "write it as http://host:port/path");
    const auto scheme = u.substr(0, scheme_end);
    for (auto p : kOtherProtocols)
      if (scheme == p)
        throw ConfigError(d.where, fmt::format("{} {}: the harness's loopback backend speaks HTTP only", d.name, url),
                          "gate a copy of the config that proxies this path over http://");
    const auto path_at = u.find('/', scheme_end + 3);
    const auto authority = u.substr(scheme_end + 3, path_at == std::string::npos ? std::string::npos : path_at - scheme_end - 3);
    if (authority.find_first_of("$%") != std::string::npos)
      throw ConfigError(d.where, fmt::format("{} {}: the upstream is built from variables", d.name, url),
                        "gate a copy of the config with the upstream written out");
    const std::string ws = scheme == "ws" || scheme == "wss" ? "ws" : "http";
    return quote(ws + "://" + in_.backend + (path_at == std::string::npos ? "" : u.substr(path_at)));
  }

  // ProxyPass [path] url [key=value...]: the URL is the first argument with a scheme (or "!").
  void proxy(const Directive& d) {
    std::string args;
    bool done = false;
    for (const auto& a : d.args) {
      std::string w = a.raw;
      if (!done && (a.value == "!" || a.value.find("://") != std::string::npos || a.value.starts_with("unix:"))) {
        w = upstream(d, a.value);
        done = true;
      }
      args += (args.empty() ? "" : " ") + w;
    }
    if (args == joined_raw(d)) return as_written(d);
    put(d, args);
  }

  void rewrite_rule(const Directive& d) {
    // RewriteRule pattern substitution [flags]: only a proxying rule ([P]) reaches an upstream.
    const std::string flags = d.arg(2);
    const bool proxies = flags.find('P') != std::string::npos &&
                         (flags.find("[P") != std::string::npos || flags.find(",P") != std::string::npos);
    if (!proxies || d.arg(1).find("://") == std::string::npos) return as_written(d);
    std::string args = d.args[0].raw + " " + upstream(d, d.arg(1));
    if (d.args.size() > 2) args += " " + joined_raw(d, 2);
    put(d, args);
  }

  void one(const Directive& d, bool in_vhost) {
    (void)in_vhost;
    if (d.is("Listen")) {
      const auto addr = loopback(mapped(port_of(d.arg(0), d.where), d.where));
      if (!listens_.insert(addr).second) return drop(d, fmt::format("same address as another Listen once on {}", addr));
      return put(d, addr + (d.args.size() > 1 ? " " + joined_raw(d, 1) : ""));
    }
    if (d.is("ServerRoot")) return put(d, quote(in_.runtime_dir.string()));
    if (d.is("PidFile")) return put(d, runtime("apache.pid"));
    if (d.is("ErrorLog")) return put(d, runtime("error.log"));
    if (d.is("CustomLog") || d.is("TransferLog"))
      return put(d, runtime("access.log") + (d.args.size() > 1 ? " " + joined_raw(d, 1) : ""));
    if (d.is("ScoreBoardFile")) return put(d, runtime("scoreboard"));
    if (d.is("CoreDumpDirectory")) return drop(d, "no core dumps from a loopback run");
    if (d.is("Mutex") && d.arg(0).starts_with("file:"))
      return put(d, "file:" + quote(in_.runtime_dir.string()) + (d.args.size() > 1 ? " " + joined_raw(d, 1) : ""));
    if ((d.is("SSLSessionCache") || d.is("SSLStaplingCache")) &&
        (d.arg(0).starts_with("shmcb:") || d.arg(0).starts_with("dbm:"))) {
      const auto kind = d.arg(0).substr(0, d.arg(0).find(':'));
      const auto size = d.arg(0).find('(') == std::string::npos ? "" : d.arg(0).substr(d.arg(0).find('('));
      return put(d, quote(kind + ":" + (in_.runtime_dir / (kind == "shmcb" ? "ssl_scache" : "ssl_dbm")).string() + size));
    }
    if (d.is("User") || d.is("Group")) {
      if (in_.user_lines.empty()) return drop(d, "httpd keeps the harness's user");
      for (const auto& l : in_.user_lines)
        if (iequals(l.substr(0, l.find(' ')), d.name)) return put(d, l.substr(l.find(' ') + 1));
      return as_written(d);
    }
    if (d.is("LoadModule") && d.args.size() >= 2) {
      const auto local = in_.modules_dir / fs::path(d.arg(1)).filename();
      if (fs::exists(local) && local.string() != d.arg(1)) return put(d, d.args[0].raw + " " + quote(local.string()));
      return as_written(d);
    }
    if (d.is("SSLCertificateFile")) return put(d, absolute(in_.server_cert));
    if (d.is("SSLCertificateKeyFile")) return put(d, absolute(in_.server_key));
    if (d.is("SSLCertificateChainFile")) return drop(d, "the fixture certificate file carries its chain");
    if (d.is("SSLCACertificateFile") || d.is("SSLCACertificatePath")) {
      if (in_.client_ca) return put(d, absolute(*in_.client_ca), "SSLCACertificateFile");
      return d.arg(0) == as_written_path(d.arg(0)) ? as_written(d) : put(d, as_written_path(d.arg(0)));
    }
    if (d.is("SSLCARevocationFile") || d.is("SSLCARevocationPath")) {
      if (in_.crl) return put(d, absolute(*in_.crl), "SSLCARevocationFile");
      return d.arg(0) == as_written_path(d.arg(0)) ? as_written(d) : put(d, as_written_path(d.arg(0)));
    }
    if (d.is("SSLOCSPDefaultResponder"))
      return put(d, quote(in_.ocsp_url.empty() ? "http://127.0.0.1:1/" : in_.ocsp_url));
    if (d.is("ProxyPass") || d.is("ProxyPassReverse") || d.is("ProxyPassMatch") || d.is("BalancerMember"))
      return proxy(d);
    if (d.is("RewriteRule")) return rewrite_rule(d);
    as_written(d);
  }

  const Inputs& in_;
  std::set<std::string> loaded_;
  std::set<std::string> listens_;
  std::vector<int> ports_;
  bool has_listen_ = false, has_server_root_ = false, has_pid_ = false, has_error_log_ = false, has_user_ = false,
       has_types_config_ = false;
  Rendered out_;
};

}  // namespace

Rendered rewrite(const Directives& config, const Inputs& in) { return Rewriter(in).run(config); }

}  // namespace mtls::userconf::apache
