// [[case]]: identity × expectation. Everything but the identity has a default implied by
// the identity's fault and the target.
#include <algorithm>
#include <cctype>
#include <fmt/core.h>
#include <map>

#include "common/tls_alerts.hpp"
#include "scenario/sections.hpp"

namespace mtls::scenario::detail {
namespace {

constexpr std::string_view kKeys[] = {"name",   "identity", "expect",        "reason",
                                      "alert",  "status",   "layer",         "seen_identity",
                                      "tls_versions", "path", "skip", "backend",
                                      "backend_headers", "headers", "host"};

// Why a gateway that checks OCSP refuses an otherwise valid certificate: the responder's
// answer, or no answer at all (a correct gate fails closed).
std::optional<Reason> ocsp_reason(const Identity& id, const Target& target) {
  if (target.ocsp == OcspCheck::off) return std::nullopt;
  if (target.ocsp_responder == OcspResponder::down) return Reason::ocsp_unavailable;
  if (id.ocsp == OcspStatus::revoked) return Reason::ocsp_revoked;
  if (id.ocsp == OcspStatus::unknown) return Reason::ocsp_unknown;
  return std::nullopt;
}

// What a correct gateway does with this identity when the case does not say.
Expectation implied(const Identity* id, const Target& target) {
  Expectation e;
  if (!id) {
    e.kind = ExpectKind::reject;
    e.reason = Reason::no_certificate;
  } else if (id->fault != Fault::none) {
    e.kind = ExpectKind::reject;
    e.reason = reason_for(id->fault);
  } else if (auto ocsp = ocsp_reason(*id, target)) {
    e.kind = ExpectKind::reject;
    e.reason = ocsp;
  }
  return e;
}

// The identity a case names: nullptr for "none" (and for an unknown name, reported).
const Identity* read_identity(Reader& r, const toml::table& t, const std::string& path,
                              const Scenario& s, Case& c) {
  if (!t.contains("identity")) {
    r.error(where_of(t), join(path, "identity"), "every case needs an identity",
            "add identity = \"<an identity's name>\", or \"none\" to send no certificate");
    return nullptr;
  }
  auto name = r.string(t, "identity", path);
  if (!name) return nullptr;
  c.identity = *name;
  if (*name == kNoCertificate) return nullptr;
  if (const Identity* id = s.find_identity(*name)) return id;
  std::vector<std::string> known{std::string(kNoCertificate)};
  for (const auto& i : s.identities) known.push_back(i.name);
  std::string guess = did_you_mean(*name, known);
  r.error(Reader::at(t, "identity"), join(path, "identity"),
          fmt::format("no identity named '{}'", *name),
          guess.empty() ? "defined identities: " + join_names(known) : guess);
  return nullptr;
}

void read_name(Reader& r, const toml::table& t, const std::string& path,
               std::map<std::string, int>& seen, Case& c) {
  c.name = r.string(t, "name", path).value_or(c.identity);
  if (c.name.empty()) return;
  SourceRef at = Reader::at(t, "name");
  if (auto [it, fresh] = seen.emplace(c.name, at.line); !fresh)
    r.error(at, join(path, "name"), fmt::format("case '{}' is defined twice", c.name),
            t.contains("name")
                ? fmt::format("first defined at line {}; case names must be unique", it->second)
                : fmt::format("this case is named after its identity, like the one at line {}; "
                              "add name = \"...\"",
                              it->second));
}

// alert, status, layer, seen_identity must agree with each other and with expect.
void read_pins(Reader& r, const toml::table& t, const std::string& path, Expectation& e) {
  const bool accept = e.kind == ExpectKind::accept;
  const auto alerts = common::alert_names();
  if (auto v = r.one_of(t, "alert", path, alerts)) {
    e.alert = *v;
    if (accept)
      r.error(Reader::at(t, "alert"), join(path, "alert"),
              "an accepted connection gets no alert, but this case expects accept",
              "remove alert, or set expect = \"reject\"");
  }
  if (auto v = r.integer(t, "status", path, 100, 599)) {
    e.status = *v;
    if (accept && *v >= 400)
      r.error(Reader::at(t, "status"), join(path, "status"),
              fmt::format("status {} is a refusal, but this case expects accept", *v),
              "use a 2xx/3xx status, or set expect = \"reject\"");
    if (!accept && *v < 300)
      r.error(Reader::at(t, "status"), join(path, "status"),
              fmt::format("status {} is a success, but this case expects reject", *v),
              "refusals are 4xx/5xx (nginx: 400, policy: 403)");
    if (e.alert)
      r.error(Reader::at(t, "status"), join(path, "status"),
              "both alert and status are pinned, but a connection refused with a TLS alert gets "
              "no HTTP status",
              "keep one of them");
  }
  if (auto v = r.choice<Layer>(t, "layer", path)) {
    e.layer = *v;
    auto contradiction = [&](std::string what) {
      r.error(Reader::at(t, "layer"), join(path, "layer"), std::move(what),
              "remove layer: alert implies tls, status implies http");
    };
    if (accept && *v != Layer::any)
      contradiction(fmt::format("layer '{}' says where a refusal shows, but this case expects accept",
                                to_string(*v)));
    else if (e.alert && *v != Layer::tls && *v != Layer::any)
      contradiction(fmt::format("alert '{}' is a TLS alert, but layer is '{}'", *e.alert, to_string(*v)));
    else if (e.status && *v != Layer::http && *v != Layer::any)
      contradiction(fmt::format("status {} is an HTTP status, but layer is '{}'", *e.status, to_string(*v)));
  } else if (e.alert) {
    e.layer = Layer::tls;
  } else if (e.status && !accept) {
    e.layer = Layer::http;
  }
  if (auto v = r.string(t, "seen_identity", path)) {
    e.seen_identity = *v;
    if (!accept)
      r.error(Reader::at(t, "seen_identity"), join(path, "seen_identity"),
              "a refused connection reaches no backend to see an identity, but this case expects reject",
              "remove seen_identity, or set expect = \"accept\"");
  }
}

// headers / backend_headers: an inline table of header name -> string.
std::vector<std::pair<std::string, std::string>> header_table(Reader& r, const toml::table& t,
                                                              std::string_view key, const std::string& path) {
  std::vector<std::pair<std::string, std::string>> out;
  const toml::table* h = r.table(t, key, path);
  if (!h) return out;
  for (const auto& [k, v] : *h) {
    const std::string name(k.str());
    const auto* s = v.as_string();
    if (!header_name(name))
      r.error(where_of(k), join(join(path, key), name), fmt::format("'{}' is not an HTTP header name", name),
              "use letters, digits and '-', e.g. \"X-Client-DN\"");
    else if (!s)
      r.error(where_of(v), join(join(path, key), name), "a header's value must be a string",
              fmt::format("write {} = \"value\"", name));
    else if (s->get().find_first_of("\r\n") != std::string::npos)
      r.error(where_of(v), join(join(path, key), name), "a header's value cannot hold a line break",
              "write it on one line");
    else
      out.emplace_back(name, s->get());
  }
  return out;
}

// What must reach the recording backend (the application behind the gateway).
void read_backend(Reader& r, const toml::table& t, const std::string& path, Expectation& e) {
  if (auto v = r.string(t, "backend", path)) {
    if (*v == "reached") e.backend_reached = true;
    else if (*v == "not_reached") e.backend_reached = false;
    else
      r.error(Reader::at(t, "backend"), join(path, "backend"), fmt::format("'{}' is not reached or not_reached", *v),
              "write backend = \"reached\" or \"not_reached\"");
  }
  e.backend_headers = header_table(r, t, "backend_headers", path);
  if (!e.backend_headers.empty() && e.kind == ExpectKind::reject && e.backend_reached != true)
    r.error(Reader::at(t, "backend_headers"), join(path, "backend_headers"),
            "a refused request reaches no backend to receive headers, but this case expects reject",
            "remove backend_headers, or set expect = \"accept\"");
}

void read_expectation(Reader& r, const toml::table& t, const std::string& path,
                      const Identity* id, const Target& target, Expectation& e) {
  e = implied(id, target);
  if (auto v = r.choice<ExpectKind>(t, "expect", path)) {
    e.kind = *v;
    if (e.kind == ExpectKind::accept) e.reason.reset();
  }
  if (e.kind == ExpectKind::reject && !e.reason && !id) e.reason = Reason::no_certificate;
  if (auto v = r.choice<Reason>(t, "reason", path)) {
    if (e.kind == ExpectKind::accept)
      r.error(Reader::at(t, "reason"), join(path, "reason"),
              fmt::format("reason '{}' explains a refusal, but this case expects accept",
                          to_string(*v)),
              "remove reason, or set expect = \"reject\"");
    else
      e.reason = *v;
  }
  read_pins(r, t, path, e);
  read_backend(r, t, path, e);
}

void read_versions(Reader& r, const toml::table& t, const std::string& path, const Target& target,
                   Case& c) {
  c.tls_versions = target.tls_versions;
  auto v = r.choices<TlsVersion>(t, "tls_versions", path);
  if (!v) return;
  const toml::array& arr = *t.get("tls_versions")->as_array();
  std::vector<std::string> offered;
  for (auto tv : target.tls_versions) offered.push_back(to_string(tv));
  bool ok = true;
  for (std::size_t i = 0; i < v->size(); ++i) {
    if (std::find(target.tls_versions.begin(), target.tls_versions.end(), (*v)[i]) !=
        target.tls_versions.end())
      continue;
    r.error(where_of(*arr.get(i)), indexed(join(path, "tls_versions"), i),
            fmt::format("TLS {} is not among the target's tls_versions", to_string((*v)[i])),
            "the target offers: " + join_names(offered));
    ok = false;
  }
  if (ok) c.tls_versions = *v;
}

void read(Reader& r, const toml::table& root, Scenario& s) {
  if (!root.contains("case")) {
    imply_cases(s);
    return;
  }
  std::map<std::string, int> seen;
  auto tables = r.tables(root, "case");
  for (std::size_t i = 0; i < tables.size(); ++i) {
    if (!tables[i]) continue;
    const toml::table& t = *tables[i];
    std::string path = indexed("case", i);
    Case c;
    c.where = where_of(t);
    r.check_keys(t, path, "[[case]]", kKeys);
    const Identity* id = read_identity(r, t, path, s, c);
    read_name(r, t, path, seen, c);
    read_expectation(r, t, path, id, s.target, c.expect);
    read_versions(r, t, path, s.target, c);
    if (auto v = r.string(t, "path", path)) {
      if (!v->starts_with('/'))
        r.error(Reader::at(t, "path"), join(path, "path"),
                fmt::format("'{}' is not an absolute request path", *v),
                fmt::format("start it with '/', e.g. \"/{}\"", *v));
      c.path = *v;
    }
    if (auto v = r.string(t, "skip", path)) c.skip = *v;
    c.headers = header_table(r, t, "headers", path);
    for (const auto& [name, value] : c.headers)
      if (name.size() == 4 && std::equal(name.begin(), name.end(), "host", [](char a, char b) { return std::tolower(a) == b; }))
        r.error(Reader::at(t, "headers"), join(path, "headers"), "Host is set with host = \"...\", not in headers",
                fmt::format("write host = \"{}\"", value));
    if (auto v = r.string(t, "host", path)) {
      if (v->empty() || v->find_first_of(" \t\r\n/") != std::string::npos)
        r.error(Reader::at(t, "host"), join(path, "host"), fmt::format("'{}' is not a host name", *v),
                "write the name the request's Host header carries, e.g. \"internal-api.example\"");
      c.host = *v;
    }
    s.cases.push_back(std::move(c));
  }
}

}  // namespace

void imply_cases(Scenario& s) {
  for (const auto& id : s.identities) {
    Case c;
    c.name = id.name;
    c.identity = id.name;
    c.expect = implied(&id, s.target);
    c.tls_versions = s.target.tls_versions;
    c.where = id.where;
    s.cases.push_back(std::move(c));
  }
  Case missing;
  // "none" cannot be an identity's name, so it is free when "missing" is taken.
  missing.name = s.find_identity("missing") ? "none" : "missing";
  missing.identity = std::string(kNoCertificate);
  missing.expect = implied(nullptr, s.target);
  if (s.target.verify != VerifyMode::required) missing.expect = Expectation{};
  missing.tls_versions = s.target.tls_versions;
  s.cases.push_back(std::move(missing));
}

extern const Section kCaseSection = {"case", true, kKeys, read};

}  // namespace mtls::scenario::detail
