#include "target/ocsp_responder.hpp"

#include <atomic>
#include <ctime>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>
#include <openssl/evp.h>

#include "target/target.hpp"

namespace mtls::target {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using error_code = boost::system::error_code;

// An OCSP request is a few hundred bytes; anything near this is not one.
constexpr std::uint64_t kBodyLimit = 64 * 1024;
constexpr auto kConnectionTimeout = std::chrono::seconds(5);

tcp::endpoint loopback(const std::string& host) {
  error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec)
    throw TargetError(fmt::format("OCSP responder: host '{}' is not a numeric IP address", host));
  return {address, 0};
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string ocsp_get_request(std::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  std::string b64;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] != '%') {
      b64 += path[i];
      continue;
    }
    if (i + 2 >= path.size()) return {};
    const int hi = hex_value(path[i + 1]), lo = hex_value(path[i + 2]);
    if (hi < 0 || lo < 0) return {};
    b64 += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  if (b64.empty() || b64.size() % 4 != 0) return {};
  std::string der(b64.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(der.data()),
                                reinterpret_cast<const unsigned char*>(b64.data()),
                                static_cast<int>(b64.size()));
  if (n < 0) return {};
  // EVP_DecodeBlock counts the bytes '=' padding stands for.
  const std::size_t pad = b64.ends_with("==") ? 2 : b64.ends_with('=') ? 1 : 0;
  der.resize(static_cast<std::size_t>(n) - pad);
  return der;
}

struct OcspResponder::Impl {
  std::optional<pki::OcspLedger> ledger;  // empty when down
  std::ofstream log;
  std::mutex log_mutex;
  std::atomic<std::size_t> requests{0};
  std::string host;
  int port = 0;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  tcp::socket held{io};  // down: bound, never listening
  std::thread thread;
  std::once_flag stopped;

  void note(std::string_view line) {
    if (!log.is_open()) return;
    std::lock_guard lock(log_mutex);
    log << line << '\n' << std::flush;
  }

  // What to send back for one HTTP request; the OCSP answer is always HTTP 200.
  http::response<http::string_body> respond(const http::request<http::string_body>& req) {
    http::response<http::string_body> res;
    res.version(req.version());
    res.keep_alive(false);
    std::string der;
    if (req.method() == http::verb::post) {
      der = req.body();
    } else if (req.method() == http::verb::get) {
      der = ocsp_get_request(std::string_view(req.target().data(), req.target().size()));
    } else {
      res.result(http::status::method_not_allowed);
      res.set(http::field::allow, "GET, POST");
      res.body() = "OCSP requests are GET or POST\n";
      note(fmt::format("{} {}: 405", std::string(req.method_string()), std::string(req.target())));
      res.prepare_payload();
      return res;
    }
    const auto reply = ledger->answer(der, std::time(nullptr));
    note(fmt::format("{}: {}", std::string(req.method_string()), reply.note));
    res.result(http::status::ok);
    res.set(http::field::content_type, "application/ocsp-response");
    res.body() = reply.der;
    res.prepare_payload();
    return res;
  }

  // One request per connection: nginx and `openssl ocsp` speak HTTP/1.0 and close anyway.
  void serve(tcp::socket socket) {
    struct Exchange {
      beast::tcp_stream stream;
      beast::flat_buffer buffer;
      http::request_parser<http::string_body> parser;
      http::response<http::string_body> response;
      explicit Exchange(tcp::socket s) : stream(std::move(s)) { parser.body_limit(kBodyLimit); }
    };
    auto x = std::make_shared<Exchange>(std::move(socket));
    x->stream.expires_after(kConnectionTimeout);
    http::async_read(x->stream, x->buffer, x->parser, [this, x](error_code ec, std::size_t) {
      if (ec) return;
      ++requests;
      x->response = respond(x->parser.get());
      http::async_write(x->stream, x->response, [x](error_code, std::size_t) {
        error_code ignored;
        x->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
      });
    });
  }

  void accept() {
    acceptor.async_accept([this](error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (!ec) serve(std::move(socket));
      accept();
    });
  }
};

OcspResponder::OcspResponder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

OcspResponder::~OcspResponder() { stop(); }

std::unique_ptr<OcspResponder> OcspResponder::start(pki::OcspLedger ledger,
                                                    const std::string& host,
                                                    const std::filesystem::path& log) {
  auto impl = std::make_unique<Impl>();
  impl->ledger.emplace(std::move(ledger));
  impl->host = host;
  if (!log.empty()) {
    impl->log.open(log, std::ios::app);
    if (!impl->log) throw TargetError("OCSP responder: cannot write its log " + log.string());
  }
  error_code ec;
  const auto at = loopback(host);
  impl->acceptor.open(at.protocol(), ec);
  if (!ec) impl->acceptor.bind(at, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw TargetError(fmt::format("OCSP responder: cannot listen on {}: {}", host, ec.message()));
  impl->port = impl->acceptor.local_endpoint().port();
  impl->accept();
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->io.run(); });
  return std::make_unique<OcspResponder>(std::move(impl));
}

std::unique_ptr<OcspResponder> OcspResponder::start_down(const std::string& host) {
  auto impl = std::make_unique<Impl>();
  impl->host = host;
  error_code ec;
  const auto at = loopback(host);
  impl->held.open(at.protocol(), ec);
  if (!ec) impl->held.bind(at, ec);
  if (ec)
    throw TargetError(fmt::format("OCSP responder (down): cannot reserve a port on {}: {}", host,
                                  ec.message()));
  impl->port = impl->held.local_endpoint().port();
  return std::make_unique<OcspResponder>(std::move(impl));
}

std::string OcspResponder::url() const {
  const bool v6 = impl_->host.find(':') != std::string::npos;
  return fmt::format("http://{}:{}/", v6 ? "[" + impl_->host + "]" : impl_->host, impl_->port);
}

int OcspResponder::port() const { return impl_->port; }
bool OcspResponder::up() const { return impl_->ledger.has_value(); }
std::size_t OcspResponder::requests() const { return impl_->requests.load(); }

void OcspResponder::stop() {
  std::call_once(impl_->stopped, [this] {
    impl_->io.stop();
    if (impl_->thread.joinable()) impl_->thread.join();
    error_code ignored;
    impl_->acceptor.close(ignored);
    impl_->held.close(ignored);
  });
}

}  // namespace mtls::target
