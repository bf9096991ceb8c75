#include "userconf/rendered.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace mtls::userconf {

std::string Change::label() const {
  if (from.empty()) return fmt::format("{} {} added: {}", where.label(), directive, to);
  if (to.empty()) return fmt::format("{} {} {} removed", where.label(), directive, from);
  return fmt::format("{} {} {} → {}", where.label(), directive, from, to);
}

namespace {

std::string label_of(const Rendered& r, int n) {
  if (n < 1 || n > static_cast<int>(r.origin.size()) || r.origin[n - 1].file.empty()) return {};
  const auto& where = r.origin[n - 1];
  return where.line > 0 ? where.label() : where.file.string() + " (added by the harness)";
}

// httpd's form: "Syntax error on line 12 of /run/x/apache.conf:" -> "... line 7 of api.conf:".
std::string translate_line_of(std::string message, const std::filesystem::path& rendered_file, const Rendered& r) {
  const std::string of = " of " + rendered_file.string();
  for (std::size_t at = message.find("line "); at != std::string::npos; at = message.find("line ", at + 1)) {
    std::size_t end = at + 5;
    while (end < message.size() && message[end] >= '0' && message[end] <= '9') ++end;
    if (end == at + 5 || message.compare(end, of.size(), of) != 0) continue;
    const int n = std::stoi(message.substr(at + 5, end - at - 5));
    if (n < 1 || n > static_cast<int>(r.origin.size()) || r.origin[n - 1].file.empty()) continue;
    const auto& where = r.origin[n - 1];
    const auto text = where.line > 0 ? "line " + std::to_string(where.line) + " of " + where.file.string()
                                     : "a line the harness added to " + where.file.string();
    message.replace(at, end + of.size() - at, text);
  }
  return message;
}

}  // namespace

std::string translate(std::string message, const std::filesystem::path& rendered_file, const Rendered& r) {
  message = translate_line_of(std::move(message), rendered_file, r);
  const std::string needle = rendered_file.string() + ":";
  for (std::size_t at = message.find(needle); at != std::string::npos; at = message.find(needle, at)) {
    std::size_t end = at + needle.size();
    while (end < message.size() && message[end] >= '0' && message[end] <= '9') ++end;
    const auto digits = message.substr(at + needle.size(), end - at - needle.size());
    const auto label = label_of(r, digits.empty() ? 0 : std::stoi(digits));
    if (label.empty()) {
      at = end;
      continue;
    }
    message.replace(at, end - at, label);
    at += label.size();
  }
  return message;
}

int choose_listener(const std::vector<Listener>& listeners, const std::string& wanted,
                    const std::filesystem::path& main_file, const std::string& hint) {
  std::vector<std::string> tls;
  for (const auto& l : listeners)
    if (l.ssl) tls.push_back(std::to_string(l.written_port));
  if (!wanted.empty()) {
    if (std::find(tls.begin(), tls.end(), wanted) == tls.end())
      throw ConfigError({main_file, 0},
                        fmt::format("[target] listener = \"{}\" is not a TLS listener of this config "
                                    "(TLS listeners: {})",
                                    wanted, tls.empty() ? "none" : fmt::format("{}", fmt::join(tls, ", "))),
                        "set listener to one of them");
    return std::stoi(wanted);
  }
  if (tls.size() == 1) return std::stoi(tls.front());
  if (tls.empty())
    throw ConfigError({main_file, 0}, "no TLS listener: the config serves no TLS", hint);
  throw ConfigError({main_file, 0},
                    fmt::format("the config has several TLS listeners ({}) and the cases need one",
                                fmt::join(tls, ", ")),
                    fmt::format("add listener = \"{}\" to [target]", tls.front()));
}

void add_identity_header(std::vector<IdentityHeader>& list, IdentityHeader h) {
  auto same = [&](const IdentityHeader& x) {
    return x.to_backend == h.to_backend && x.name.size() == h.name.size() &&
           std::equal(x.name.begin(), x.name.end(), h.name.begin(),
                      [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) ==
                                                  std::tolower(static_cast<unsigned char>(b)); });
  };
  if (std::none_of(list.begin(), list.end(), same)) list.push_back(std::move(h));
}

}  // namespace mtls::userconf
