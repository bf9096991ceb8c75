#include "target/loopback_backend.hpp"

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "target/target.hpp"

namespace mtls::target {
namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

// Records kept for lookup: far more than one run's cases; the oldest go first.
constexpr std::size_t kMaxRecords = 8192;

// Requests by their probe's id; written by the backend's thread, read by the cases'.
class Ledger {
 public:
  void add(std::string id, report::BackendSeen seen) {
    std::lock_guard lock(mutex_);
    if (by_id_.emplace(id, std::move(seen)).second) order_.push_back(std::move(id));
    while (order_.size() > kMaxRecords) {
      by_id_.erase(order_.front());
      order_.pop_front();
    }
  }
  std::optional<report::BackendSeen> find(const std::string& id) const {
    std::lock_guard lock(mutex_);
    const auto it = by_id_.find(id);
    if (it == by_id_.end()) return std::nullopt;
    return it->second;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, report::BackendSeen> by_id_;
  std::deque<std::string> order_;
};

// What the backend saw of one request, echoed so a case can see what the gateway forwarded.
std::string answer_body(const http::request<http::string_body>& req) {
  nlohmann::json headers = nlohmann::json::object();
  for (const auto& h : req)
    headers[std::string(h.name_string())] = std::string(h.value());
  return nlohmann::json{{"backend", "mtls-harness"},
                        {"method", std::string(req.method_string())},
                        {"path", std::string(req.target())},
                        {"headers", headers}}
             .dump() + "\n";
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::atomic<std::uint64_t>& requests, Ledger& ledger, const BackendOptions& options)
      : stream_(std::move(socket)), requests_(requests), ledger_(ledger), options_(options) {}

  void start() { read(); }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(options_.body_limit);
    parser_->header_limit(options_.header_limit);
    // A connection that sends nothing for this long is closed (a gateway's idle keep-alive).
    stream_.expires_after(options_.idle);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                       if (!ec) self->respond();
                     });
  }

  void record(const http::request<http::string_body>& req) {
    const auto id = req.find(report::kRequestIdHeader);
    // Only a probe's is kept (not a health check's, not the load engine's).
    if (id == req.end() && !options_.on_request) return;
    report::BackendSeen seen;
    seen.reached = true;
    seen.method = std::string(req.method_string());
    seen.path = std::string(req.target());
    boost::system::error_code ec;
    const auto peer = stream_.socket().remote_endpoint(ec);
    if (!ec) seen.source = fmt::format("{}:{}", peer.address().to_string(), peer.port());
    for (const auto& h : req) seen.headers.emplace_back(std::string(h.name_string()), std::string(h.value()));
    if (options_.on_request) options_.on_request(seen);
    if (id != req.end()) ledger_.add(std::string(id->value()), std::move(seen));
  }

  void respond() {
    const auto req = parser_->release();
    ++requests_;
    record(req);
    auto res = std::make_shared<http::response<http::string_body>>(http::status::ok, req.version());
    res->set(http::field::content_type, "application/json");
    res->set(http::field::server, "mtls-harness-backend");
    res->body() = answer_body(req);
    res->keep_alive(req.keep_alive());
    res->prepare_payload();
    http::async_write(stream_, *res, [self = shared_from_this(), res](boost::system::error_code ec, std::size_t) {
      if (ec) return;
      if (res->keep_alive()) self->read();
      else self->stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    });
  }

  boost::beast::tcp_stream stream_;
  std::atomic<std::uint64_t>& requests_;
  Ledger& ledger_;
  const BackendOptions& options_;
  boost::beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
};

}  // namespace

struct LoopbackBackend::Impl {
  BackendOptions options;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::thread thread;
  std::atomic<std::uint64_t> connections{0}, requests{0};
  Ledger ledger;
  bool stopped = false;

  void accept() {
    acceptor.async_accept([this](boost::system::error_code ec, tcp::socket s) {
      if (ec) return;  // closed by stop()
      ++connections;
      std::make_shared<Session>(std::move(s), requests, ledger, options)->start();
      accept();
    });
  }
};

namespace {
BackendOptions on_host(const std::string& host) {
  BackendOptions o;
  o.host = host;
  return o;
}
}  // namespace

LoopbackBackend::LoopbackBackend(const std::string& host) : LoopbackBackend(on_host(host)) {}

LoopbackBackend::LoopbackBackend(BackendOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  const auto& host = impl_->options.host;
  try {
    const tcp::endpoint ep(asio::ip::make_address(host), static_cast<unsigned short>(impl_->options.port));
    impl_->acceptor.open(ep.protocol());
    impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
    impl_->acceptor.bind(ep);
    impl_->acceptor.listen();
  } catch (const std::exception& e) {
    throw TargetError(fmt::format("recording backend on {}:{}: {}", host, impl_->options.port, e.what()));
  }
  impl_->accept();
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

LoopbackBackend::~LoopbackBackend() { stop(); }

int LoopbackBackend::port() const { return impl_->acceptor.local_endpoint().port(); }

std::string LoopbackBackend::address() const {
  const auto ep = impl_->acceptor.local_endpoint();
  const auto a = ep.address().to_string();
  return ep.address().is_v6() ? fmt::format("[{}]:{}", a, ep.port()) : fmt::format("{}:{}", a, ep.port());
}

BackendCounters LoopbackBackend::counters() const {
  return {impl_->connections.load(), impl_->requests.load()};
}

std::optional<report::BackendSeen> LoopbackBackend::seen(const std::string& id) const {
  return impl_->ledger.find(id);
}

void LoopbackBackend::stop() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace mtls::target
