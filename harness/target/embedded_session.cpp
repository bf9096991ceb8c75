#include "target/embedded_session.hpp"

#include <optional>

#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "target/embedded_http.hpp"
#include "target/embedded_identity.hpp"

namespace mtls::target::embedded {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using error_code = boost::system::error_code;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(asio::ip::tcp::socket socket, const SessionShared& shared)
      : stream_(std::move(socket), shared.tls), shared_(shared) {
    shared_.counters.connections_accepted.add();
    shared_.counters.connections_active.add();
  }
  ~Session() { shared_.counters.connections_active.sub(); }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start() {
    beast::get_lowest_layer(stream_).expires_after(shared_.limits.handshake_timeout);
    stream_.async_handshake(asio::ssl::stream_base::server,
                            [self = shared_from_this()](error_code ec) { self->on_handshake(ec); });
  }

 private:
  void on_handshake(error_code ec) {
    if (ec) {
      // OpenSSL has already queued its alert and Asio flushed it before reporting the error.
      shared_.counters.handshakes_failed.add();
      if (ec == beast::error::timeout) shared_.counters.handshake_timeouts.add();
      return close();
    }
    shared_.counters.handshakes_ok.add();
    identity_ = read_client_identity(stream_.native_handle());
    if (identity_.session_reused) shared_.counters.handshakes_resumed.add();
    read_request();
  }

  void read_request() {
    parser_.emplace();
    limit_parser(*parser_, shared_.limits);
    beast::get_lowest_layer(stream_).expires_after(shared_.limits.idle_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](error_code ec, std::size_t) {
                       self->on_request(ec);
                     });
  }

  void on_request(error_code ec) {
    switch (classify_read(ec)) {
      case ReadEnd::closed:
        return shutdown();
      case ReadEnd::dropped:
        return close();
      case ReadEnd::malformed:
        shared_.counters.requests_malformed.add();
        response_ = respond_malformed();
        return write_response();
      case ReadEnd::request:
        break;
    }
    response_ = respond(parser_->get(), identity_, shared_.allow);
    shared_.counters.requests.add();
    if (response_.result() == http::status::forbidden) shared_.counters.requests_refused.add();
    write_response();
  }

  void write_response() {
    http::async_write(stream_, response_, [self = shared_from_this()](error_code ec, std::size_t) {
      if (ec) return self->close();
      if (!self->response_.keep_alive()) return self->shutdown();
      self->read_request();
    });
  }

  void shutdown() {
    beast::get_lowest_layer(stream_).expires_after(shared_.limits.shutdown_timeout);
    stream_.async_shutdown([self = shared_from_this()](error_code) { self->close(); });
  }

  void close() {
    error_code ignored;
    beast::get_lowest_layer(stream_).socket().shutdown(asio::ip::tcp::socket::shutdown_both,
                                                       ignored);
    beast::get_lowest_layer(stream_).close();
  }

  beast::ssl_stream<beast::tcp_stream> stream_;
  const SessionShared& shared_;
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  Response response_;
  ClientIdentity identity_;
};

}  // namespace

EmbeddedCounters SharedCounters::snapshot() const {
  EmbeddedCounters out;
#define MTLS_COUNTER_COPY(name) out.name = name.get();
  MTLS_EMBEDDED_COUNTERS(MTLS_COUNTER_COPY)
#undef MTLS_COUNTER_COPY
  out.connections_active = connections_active.get();
  return out;
}

void start_session(asio::ip::tcp::socket socket, const SessionShared& shared) {
  std::make_shared<Session>(std::move(socket), shared)->start();
}

}  // namespace mtls::target::embedded
