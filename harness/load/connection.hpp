// One client connection at a time, reused: TCP connect, TLS handshake (OpenSSL over the
// connection's own buffers, see conn_bio.hpp; bytes moved by speculative Asio receives and
// direct sends), then requests_per_connection HTTP/1.1 GETs parsed by Beast, then close.
// Every ending is reported exactly once: ok, failed (one error class) or aborted.
#pragma once

#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "load/client_tls.hpp"
#include "load/conn_bio.hpp"
#include "load/plan.hpp"

namespace mtls::load {

class Worker;

enum class Step { idle, connect, handshake, request, response, held };
const char* to_string(Step s);

class Conn final : public TlsEvents {
 public:
  Conn(Worker& w, int slot);
  ~Conn() override;
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  void start(Clock::time_point intended, bool measured);
  // From the worker's sweep while a wait is pending: a timeout (an error) or the phase end
  // (aborted). The pending wait completes with operation_aborted and ends the connection.
  void interrupt(bool timeout);
  void release_held();  // closes a held connection

  Step step() const { return step_; }
  bool active() const { return step_ != Step::idle && step_ != Step::held; }
  Clock::time_point deadline() const { return deadline_; }
  int slot() const { return slot_; }

 private:
  enum class Ending { ok, failed, aborted };
  enum class Feed { more, done, error };

  void on_alert(bool sent, int level, int code) override;
  void on_ticket() override;
  bool on_new_session(SSL_SESSION* session) override;

  void on_connect(const boost::system::error_code& ec);
  void send_pending(void (Conn::*then)());
  void continue_send();
  int send_out();
  void send_failed(int error);
  void send_alert();
  void receive(void (Conn::*next)());
  void receive_for_handshake();
  void receive_for_request();
  void receive_for_response();
  void await_response();
  void handshake();
  void send_request();
  void read_response();
  Feed feed(const char* data, std::size_t n);
  void on_response();
  void confirm_handshake(bool refused);
  void wait_writable(void (Conn::*next)());
  std::string tls_error_key(int ssl_error) const;
  void fail(const std::string& key);
  void finish(Ending how, const std::string& key);
  void close();
  void set_step(Step s);

  Worker& w_;
  int slot_;
  boost::asio::ip::tcp::socket socket_;
  SSL* ssl_ = nullptr;
  ConnBytes bytes_;  // between the socket and ssl_ (through bio_)
  BIO* bio_ = nullptr;
  void (Conn::*after_send_)() = nullptr;
  Step step_ = Step::idle;
  bool measured_ = false;
  std::size_t identity_ = 0;
  Clock::time_point intended_, started_, connected_, handshake_done_, request_sent_, deadline_;
  bool offered_ = false;
  bool resumed_ = false;
  bool handshake_pending_ = false;  // completed locally, not yet confirmed by an answer
  int requests_done_ = 0;
  int alert_received_ = -1;
  int alert_sent_ = -1;
  std::optional<std::string> interrupted_;  // error key ("" = aborted) once interrupted
  std::optional<boost::beast::http::response_parser<boost::beast::http::string_body>> parser_;
  std::string pending_;  // bytes of a response not yet consumed by the parser
};

}  // namespace mtls::load
