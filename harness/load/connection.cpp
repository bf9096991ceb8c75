#include "load/connection.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <string_view>

#include <boost/asio/error.hpp>

#include "common/tls_alerts.hpp"
#include "load/worker.hpp"
#include "measure/histogram.hpp"

namespace mtls::load {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using error_code = boost::system::error_code;

constexpr std::uint32_t kHeaderLimit = 16 * 1024;
// One receive takes up to a full TLS record with its header (what OpenSSL's read-ahead asks for).
constexpr std::size_t kReceiveChunk = 17 * 1024;
constexpr std::uint64_t kBodyLimit = 1024 * 1024;

std::uint64_t ns(Clock::duration d) {
  const auto n = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
  return n > 0 ? static_cast<std::uint64_t>(n) : 0;
}

std::string connect_error_key(const error_code& ec) {
  if (ec == asio::error::connection_refused) return "connect:refused";
  if (ec == asio::error::timed_out) return "connect:timeout";
  if (ec == asio::error::connection_reset) return "connect:reset";
  if (ec == asio::error::address_in_use || ec.value() == EADDRNOTAVAIL)
    return "connect:no_free_local_port";
  if (ec == asio::error::no_descriptors) return "connect:too_many_open_files";
  return "connect:" + ec.message();
}

// close_notify, or a TCP EOF (which OpenSSL 3 reports as an "unexpected eof" error).
// `socket_error`: errno of the failed receive, if one failed.
bool closed_by_peer(int ssl_error, int socket_error) {
  if (ssl_error == SSL_ERROR_ZERO_RETURN) return true;
  const unsigned long e = ERR_peek_error();
  if (ssl_error == SSL_ERROR_SYSCALL) return e == 0 && socket_error != ECONNRESET;
  return ssl_error == SSL_ERROR_SSL && ERR_GET_LIB(e) == ERR_LIB_SSL &&
         ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING;
}

// The server's bytes are no TLS record: plain HTTP or garbage on the TLS port.
bool not_tls(unsigned long e) {
  if (ERR_GET_LIB(e) != ERR_LIB_SSL) return false;
  const int r = ERR_GET_REASON(e);
  return r == SSL_R_WRONG_VERSION_NUMBER || r == SSL_R_PACKET_LENGTH_TOO_LONG ||
         r == SSL_R_HTTP_REQUEST || r == SSL_R_UNKNOWN_PROTOCOL;
}

std::string_view header(const http::response_header<>& h, std::string_view name) {
  auto it = h.find(boost::beast::string_view(name.data(), name.size()));
  if (it == h.end()) return {};
  return {it->value().data(), it->value().size()};
}

}  // namespace

const char* to_string(Step s) {
  switch (s) {
    case Step::idle: return "idle";
    case Step::connect: return "connect";
    case Step::handshake: return "handshake";
    case Step::request: return "request";
    case Step::response: return "response";
    case Step::held: return "held";
  }
  return "?";
}

Conn::Conn(Worker& w, int slot)
    : w_(w), slot_(slot), socket_(w.io()), bio_(new_conn_bio(&bytes_)) {}

Conn::~Conn() {
  close();
  BIO_free(bio_);
}

void Conn::set_step(Step s) {
  step_ = s;
  deadline_ = Clock::now() + w_.plan().opts.timeout;
}

void Conn::start(Clock::time_point intended, bool measured) {
  measured_ = measured;
  intended_ = intended;
  started_ = Clock::now();
  identity_ = w_.pick_identity();
  offered_ = resumed_ = handshake_pending_ = false;
  requests_done_ = 0;
  alert_received_ = alert_sent_ = -1;
  interrupted_.reset();
  pending_.clear();
  set_step(Step::connect);
  error_code ec;
  socket_.open(w_.endpoint().protocol(), ec);
  if (ec) return fail(connect_error_key(ec));
  socket_.async_connect(w_.endpoint(), [this](const error_code& e) { on_connect(e); });
}

void Conn::on_connect(const error_code& ec) {
  if (interrupted_) return finish(interrupted_->empty() ? Ending::aborted : Ending::failed, *interrupted_);
  if (w_.past_hard_stop()) return finish(Ending::aborted, {});
  if (ec) return fail(connect_error_key(ec));
  connected_ = Clock::now();
  w_.sink(measured_).connect.record(ns(connected_ - started_));
  const int one = 1;
  ::setsockopt(socket_.native_handle(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  ssl_ = SSL_new(w_.context(identity_));
  if (!ssl_) return fail("tls:SSL_new failed");
  SSL_set_app_data(ssl_, static_cast<TlsEvents*>(this));
  bytes_.reset();
  BIO_up_ref(bio_);  // SSL_set_bio takes one reference (one for both directions); ours stays
  SSL_set_bio(ssl_, bio_, bio_);
  SSL_set_connect_state(ssl_);
  // Closing without close_notify must not make the session unusable for resumption.
  SSL_set_quiet_shutdown(ssl_, 1);
  const auto& plan = w_.plan();
  if (plan.send_sni) SSL_set_tlsext_host_name(ssl_, plan.server_name.c_str());
  if (plan.phase.resumption != scenario::Resumption::none &&
      (plan.phase.resumed_share >= 1.0 || w_.random() < plan.phase.resumed_share)) {
    if (SSL_SESSION* s = w_.sessions(identity_).take()) {
      SSL_set_session(ssl_, s);
      SSL_SESSION_free(s);
      offered_ = true;
      ++w_.sink(measured_).resumption.offered;
    } else {
      ++w_.sink(measured_).resumption.no_session;
    }
  }
  set_step(Step::handshake);
  handshake();
}

void Conn::wait_writable(void (Conn::*next)()) {
  socket_.async_wait(asio::socket_base::wait_write,
                     [this, next](const error_code& ec) {
                       if (interrupted_)
                         return finish(interrupted_->empty() ? Ending::aborted : Ending::failed,
                                       *interrupted_);
                       if (ec) return fail(std::string("io:") + ec.message());
                       (this->*next)();
                     });
}

// Sends what OpenSSL wrote (at once; waiting for room only if the socket buffer is full),
// then goes on with `then`. The send is put off until OpenSSL has to wait for the server,
// so a flight leaves in one segment, and the client's last flight with the first request.
void Conn::send_pending(void (Conn::*then)()) {
  after_send_ = then;
  if (bytes_.unsent() > 0) ++w_.sink(measured_).counts.client_sends;
  continue_send();
}

void Conn::continue_send() {
  const int error = send_out();
  if (error == 0) return (this->*after_send_)();
  if (error == EAGAIN || error == EWOULDBLOCK) return wait_writable(&Conn::continue_send);
  send_failed(error);
}

// Sends as much of the unsent bytes as the socket takes now: 0 once all are sent (and the
// buffer emptied), else the errno that stopped it (EAGAIN: no room yet).
int Conn::send_out() {
  while (bytes_.unsent() > 0) {
    const ssize_t n = ::send(socket_.native_handle(), bytes_.out.data() + bytes_.sent,
                             bytes_.unsent(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes_.sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n < 0 ? errno : EPIPE;
  }
  bytes_.out.clear();
  bytes_.sent = 0;
  return 0;
}

// The socket refused our bytes: the server reset or closed the connection. Named as a
// failed TLS read would name it (an alert the server sent before wins).
void Conn::send_failed(int error) {
  // A handshake completed on our side whose last flight was in this send never reached the
  // server: it failed, like one still in progress.
  if (step_ == Step::handshake || handshake_pending_) ++w_.sink(measured_).counts.handshakes_failed;
  handshake_pending_ = false;
  if (alert_received_ > 0) return fail(tls_error_key(SSL_ERROR_SSL));
  ERR_clear_error();
  if (error == ECONNRESET) return fail("tls:reset");
  if (error == EPIPE) return fail("tls:eof");
  fail(std::string("io:") + std::strerror(error));
}

// A speculative receive: Asio reads at once if the socket was readable when last seen, and
// otherwise waits for the next readiness event without another system call.
void Conn::receive(void (Conn::*next)()) {
  char* space = bytes_.receive_space(kReceiveChunk);
  socket_.async_receive(asio::buffer(space, kReceiveChunk),
                        [this, next](const error_code& ec, std::size_t n) {
                          if (interrupted_)
                            return finish(interrupted_->empty() ? Ending::aborted : Ending::failed,
                                          *interrupted_);
                          // A loop behind on its work (an overloaded target, a busy core)
                          // reaches the sweep late: the drain's end is checked here too.
                          if (w_.past_hard_stop()) return finish(Ending::aborted, {});
                          if (ec == asio::error::eof)
                            bytes_.eof = true;
                          else if (ec)
                            bytes_.error = ec.value() != 0 ? ec.value() : EIO;
                          else
                            bytes_.received(n);
                          (this->*next)();
                        });
}

void Conn::receive_for_handshake() { receive(&Conn::handshake); }
void Conn::receive_for_request() { receive(&Conn::send_request); }
void Conn::receive_for_response() { receive(&Conn::read_response); }

void Conn::handshake() {
  const int r = SSL_do_handshake(ssl_);
  if (r == 1) {
    handshake_done_ = Clock::now();
    resumed_ = SSL_session_reused(ssl_) == 1;
    handshake_pending_ = true;
    if (offered_ && resumed_) ++w_.sink(measured_).resumption.accepted;
    return send_request();
  }
  const int e = SSL_get_error(ssl_, r);
  if (e == SSL_ERROR_WANT_READ) return send_pending(&Conn::receive_for_handshake);
  ++w_.sink(measured_).counts.handshakes_failed;
  const std::string key = tls_error_key(e);
  send_alert();
  fail(key);
}

// The alert OpenSSL wrote on failing is the server's only clue: send it if the socket takes
// it now, without waiting.
void Conn::send_alert() {
  if (bytes_.unsent() == 0) return;
  ++w_.sink(measured_).counts.client_sends;
  send_out();
  bytes_.out.clear();  // what the socket did not take now is dropped
  bytes_.sent = 0;
}

// In TLS 1.3 the server judges the client certificate after the client has finished its
// side of the handshake: a refusal arrives as an alert on the first read. A handshake
// counts as completed once the first answer (or any non-alert outcome) arrives.
void Conn::confirm_handshake(bool refused) {
  if (!handshake_pending_) return;
  handshake_pending_ = false;
  auto& st = w_.sink(measured_);
  if (refused) {
    ++st.counts.handshakes_failed;
    return;
  }
  const auto d = ns(handshake_done_ - connected_);
  if (resumed_) {
    ++st.counts.handshakes_resumed;
    st.handshake_resumed.record(d);
  } else {
    ++st.counts.handshakes_full;
    st.handshake_full.record(d);
  }
  w_.live_handshake(resumed_);
}

void Conn::send_request() {
  set_step(Step::request);
  // A connection held open asks the server to keep it open too (both sides established).
  const bool last = requests_done_ + 1 >= w_.plan().phase.requests_per_connection &&
                    !w_.plan().opts.hold_connections;
  const std::string& req = last ? w_.plan().request_close : w_.plan().request_keep_alive;
  // Appended to the client's last handshake flight, if that is still unsent: one segment.
  const int r = SSL_write(ssl_, req.data(), static_cast<int>(req.size()));
  if (r > 0) {
    ++w_.sink(measured_).counts.requests;
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(kBodyLimit);
    parser_->eager(true);
    return send_pending(&Conn::await_response);
  }
  const int e = SSL_get_error(ssl_, r);
  // TLS 1.2 renegotiation: OpenSSL must read before it can write.
  if (e == SSL_ERROR_WANT_READ) return send_pending(&Conn::receive_for_request);
  confirm_handshake(alert_received_ > 0);
  send_alert();
  fail(tls_error_key(e));
}

// The request has left (with the last handshake flight, if that was still unsent).
void Conn::await_response() {
  request_sent_ = Clock::now();
  set_step(Step::response);
  read_response();
}

void Conn::read_response() {
  for (;;) {
    const int r = SSL_read(ssl_, w_.scratch(), static_cast<int>(w_.scratch_size()));
    if (r > 0) {
      switch (feed(w_.scratch(), static_cast<std::size_t>(r))) {
        case Feed::more: continue;
        case Feed::done: return on_response();
        case Feed::error: return;
      }
    }
    const int e = SSL_get_error(ssl_, r);
    if (e == SSL_ERROR_WANT_READ) return send_pending(&Conn::receive_for_response);
    const bool refused = alert_received_ > 0;
    confirm_handshake(refused);
    if (refused || !closed_by_peer(e, bytes_.error)) {
      const std::string key = tls_error_key(e);
      send_alert();  // e.g. bad_record_mac: OpenSSL wrote it for the server
      return fail(key);
    }
    ERR_clear_error();
    // Closed by the server: a body delimited by the end of the connection ends here.
    if (!parser_->got_some()) return fail("http:closed_before_response");
    error_code ec;
    parser_->put_eof(ec);
    if (ec || !parser_->is_done()) return fail("http:closed_before_response_end");
    return on_response();
  }
}

Conn::Feed Conn::feed(const char* data, std::size_t n) {
  const bool header_before = parser_->is_header_done();
  if (!pending_.empty()) pending_.append(data, n);
  std::string_view in = pending_.empty() ? std::string_view(data, n) : std::string_view(pending_);
  std::size_t used = 0;
  error_code ec;
  while (used < in.size() && !parser_->is_done()) {
    const std::size_t u = parser_->put(asio::buffer(in.data() + used, in.size() - used), ec);
    used += u;
    if (ec == http::error::need_more) {
      ec = {};
      break;
    }
    if (ec || u == 0) break;
  }
  if (!header_before && parser_->is_header_done())
    w_.sink(measured_).ttfb.record(ns(Clock::now() - request_sent_));
  if (ec) {
    confirm_handshake(false);
    fail("http:" + ec.message());
    return Feed::error;
  }
  if (parser_->is_done()) {
    pending_.clear();
    return Feed::done;
  }
  pending_ = std::string(in.substr(used));
  return Feed::more;
}

void Conn::on_response() {
  confirm_handshake(false);
  auto& st = w_.sink(measured_);
  ++st.counts.responses;
  const auto& res = parser_->get();
  if (requests_done_ == 0) {
    // What the backend saw: the embedded target and the nginx templates echo these.
    const auto reused = header(res.base(), "X-Session-Reused");
    const auto dn = header(res.base(), "X-Client-DN");
    auto& known = w_.known_dn(identity_);
    if (!reused.empty() && (reused == "r") != resumed_) ++st.resumption.disagreements;
    if (resumed_) {
      if (reused == "r") ++st.resumption.server_reported;
      if (dn.empty())
        ++st.resumption.identity_lost;
      else if (!known.empty() && dn != known)
        ++st.resumption.identity_changed;
      else
        ++st.resumption.identity_kept;
    } else if (known.empty() && !dn.empty() && res.result_int() / 100 == 2) {
      known.assign(dn);
    }
  }
  ++requests_done_;
  const unsigned status = res.result_int();
  if (status / 100 != 2) return fail("http_status:" + std::to_string(status));
  ++st.counts.responses_2xx;
  if (requests_done_ < w_.plan().phase.requests_per_connection) return send_request();
  finish(Ending::ok, {});
}

void Conn::on_alert(bool sent, int level, int code) {
  if (level != 2 && code == 0) return;  // close_notify is not a failure
  (sent ? alert_sent_ : alert_received_) = code;
}

void Conn::on_ticket() { ++w_.sink(measured_).resumption.tickets_received; }

bool Conn::on_new_session(SSL_SESSION* session) {
  if (w_.plan().phase.resumption == scenario::Resumption::none) return false;
  w_.sessions(identity_).put(session);
  ++w_.sink(measured_).resumption.sessions_saved;
  return true;
}

std::string Conn::tls_error_key(int ssl_error) const {
  std::string key;
  if (alert_received_ > 0) {
    key = "tls_alert:" + common::alert_name(alert_received_);
  } else if (alert_sent_ >= 0 && SSL_get_verify_result(ssl_) != X509_V_OK) {
    key = std::string("server_verify:") +
          X509_verify_cert_error_string(SSL_get_verify_result(ssl_));
  } else if (ssl_error == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
    key = bytes_.error == ECONNRESET ? "tls:reset" : "tls:eof";
  } else if (const unsigned long e = ERR_peek_error(); e != 0 && not_tls(e)) {
    key = "tls:not_tls";
  } else if (e != 0 && closed_by_peer(ssl_error, bytes_.error)) {
    key = "tls:eof";
  } else if (e != 0) {
    const char* reason = ERR_reason_error_string(e);
    key = std::string("tls:") + (reason ? reason : "unknown");
  } else {
    key = "tls:error " + std::to_string(ssl_error);
  }
  ERR_clear_error();
  return key;
}

void Conn::fail(const std::string& key) { finish(Ending::failed, key); }

void Conn::interrupt(bool timeout) {
  if (!active() || interrupted_) return;
  interrupted_ = timeout ? "timeout:" + std::string(to_string(step_)) : std::string();
  if (timeout && step_ == Step::handshake) ++w_.sink(measured_).counts.handshakes_failed;
  if (timeout && handshake_pending_) confirm_handshake(false);
  error_code ignored;
  socket_.close(ignored);  // the pending wait completes with operation_aborted
}

void Conn::finish(Ending how, const std::string& key) {
  const auto now = Clock::now();
  handshake_pending_ = false;
  auto& st = w_.sink(measured_);
  const auto& planned = w_.plan().identities[identity_];
  auto& who = st.identities[identity_];
  ++st.counts.connections;
  // A refusal the gateway owes this identity's fault, in the form its profile gives it, is
  // the gateway working: counted apart from errors, and no error event.
  const bool owed_refusal = how == Ending::failed && planned.must_refuse &&
                            std::find(planned.refusal_keys.begin(), planned.refusal_keys.end(),
                                      key) != planned.refusal_keys.end();
  switch (how) {
    case Ending::ok:
      ++st.counts.connections_ok;
      if (planned.must_refuse) {
        ++st.counts.wrongly_accepted;
        ++who.wrongly_accepted;
      } else {
        ++who.accepted;
      }
      break;
    case Ending::failed:
      ++st.counts.connections_failed;
      st.errors.add(key);
      if (owed_refusal) {
        ++st.counts.refused_as_expected;
        ++who.refused_as_expected;
      } else {
        ++st.counts.unexpected_errors;
        ++who.unexpected_errors;
      }
      break;
    case Ending::aborted:
      ++st.counts.connections_aborted;
      ++who.aborted;
      break;
  }
  if (how != Ending::aborted) {
    st.total.record(ns(now - intended_));
    st.total_uncorrected.record(ns(now - started_));
    const double t = std::chrono::duration<double>(now - w_.plan().measured_from).count();
    auto& sec = st.series.at(t);
    ++sec.connections;
    sec.latency.record(ns(now - intended_));
    if (owed_refusal) {
      ++sec.refused;
    } else if (how == Ending::failed) {
      ++sec.errors;
      ++sec.errors_by_class[key];
      st.events.failed(t, key);
    } else {
      st.events.ok(t);
    }
    if (how == Ending::ok) sec.requests += static_cast<std::uint64_t>(requests_done_);
    if (how == Ending::ok || requests_done_ > 0) {
      ++sec.handshakes;
      if (resumed_) ++sec.resumed;
    }
  }
  const bool hold = how == Ending::ok && w_.plan().opts.hold_connections;
  if (hold) {
    bytes_.release();  // nothing is in flight on a held connection
    step_ = Step::held;
  } else {
    close();
    step_ = Step::idle;
  }
  w_.conn_ended(*this, hold);
}

void Conn::release_held() {
  if (step_ != Step::held) return;
  close();
  step_ = Step::idle;
}

void Conn::close() {
  if (ssl_) {
    SSL_shutdown(ssl_);  // quiet: marks the session resumable, sends nothing
    SSL_free(ssl_);
    ssl_ = nullptr;
  }
  bytes_.reset();
  parser_.reset();
  error_code ignored;
  if (socket_.is_open()) socket_.close(ignored);
}

}  // namespace mtls::load
