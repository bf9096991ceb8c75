// Saved sessions of one identity in one worker. TLS 1.2 sessions (ID or ticket) are offered
// again and again; TLS 1.3 tickets are used once each (RFC 8446 §C.4, and servers with
// stateful tickets accept each only once) and refilled by the NewSessionTickets every
// connection receives.
#pragma once

#include <deque>

#include <openssl/ssl.h>

namespace mtls::load {

class SessionPool {
 public:
  explicit SessionPool(bool single_use) : single_use_(single_use) {}
  ~SessionPool() {
    for (SSL_SESSION* s : sessions_) SSL_SESSION_free(s);
  }
  SessionPool(SessionPool&& o) noexcept : single_use_(o.single_use_), sessions_(std::move(o.sessions_)) {
    o.sessions_.clear();
  }
  SessionPool(const SessionPool&) = delete;
  SessionPool& operator=(const SessionPool&) = delete;

  // Takes ownership of `s`.
  void put(SSL_SESSION* s) {
    if (!single_use_) {
      for (SSL_SESSION* old : sessions_) SSL_SESSION_free(old);
      sessions_.clear();
    }
    sessions_.push_back(s);
    if (sessions_.size() > kMax) {
      SSL_SESSION_free(sessions_.front());
      sessions_.pop_front();
    }
  }
  // A session to offer, owned by the caller (free it after SSL_set_session); null if none.
  SSL_SESSION* take() {
    if (sessions_.empty()) return nullptr;
    if (!single_use_) {
      SSL_SESSION_up_ref(sessions_.back());
      return sessions_.back();
    }
    SSL_SESSION* s = sessions_.back();  // newest first: the least likely to have expired
    sessions_.pop_back();
    return s;
  }

 private:
  static constexpr std::size_t kMax = 256;
  bool single_use_;
  std::deque<SSL_SESSION*> sessions_;
};

}  // namespace mtls::load
