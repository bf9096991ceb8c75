#include "load/conn_bio.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace mtls::load {
namespace {

ConnBytes* bytes_of(BIO* b) { return static_cast<ConnBytes*>(BIO_get_data(b)); }

int bio_read(BIO* b, char* buf, int len) {
  BIO_clear_retry_flags(b);
  ConnBytes* c = bytes_of(b);
  if (len <= 0) return 0;
  if (c->unread() == 0) {
    if (c->error != 0) {
      errno = c->error;
      return -1;
    }
    if (c->eof) return 0;
    BIO_set_retry_read(b);
    return -1;
  }
  const std::size_t n = std::min(c->unread(), static_cast<std::size_t>(len));
  std::memcpy(buf, c->in.get() + c->begin, n);
  c->begin += n;
  if (c->begin == c->end) c->begin = c->end = 0;
  return static_cast<int>(n);
}

int bio_write(BIO* b, const char* buf, int len) {
  BIO_clear_retry_flags(b);
  if (len <= 0) return 0;
  bytes_of(b)->out.append(buf, static_cast<std::size_t>(len));
  return len;
}

long bio_ctrl(BIO* b, int cmd, long, void*) {
  ConnBytes* c = bytes_of(b);
  switch (cmd) {
    case BIO_CTRL_FLUSH: return 1;  // the connection sends when OpenSSL has to wait
    case BIO_CTRL_EOF: return c->unread() == 0 && c->eof ? 1 : 0;
    case BIO_CTRL_PENDING: return static_cast<long>(c->unread());
    case BIO_CTRL_WPENDING: return static_cast<long>(c->unsent());
    default: return 0;
  }
}

int bio_create(BIO* b) {
  BIO_set_init(b, 1);
  return 1;
}

BIO_METHOD* make_method() {
  BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "mtls load connection");
  if (!m || BIO_meth_set_read(m, bio_read) != 1 || BIO_meth_set_write(m, bio_write) != 1 ||
      BIO_meth_set_ctrl(m, bio_ctrl) != 1 || BIO_meth_set_create(m, bio_create) != 1)
    throw std::runtime_error("load engine: cannot create the connection BIO method");
  return m;
}

}  // namespace

char* ConnBytes::receive_space(std::size_t want) {
  if (begin > 0 && end + want > in_capacity) {
    std::memmove(in.get(), in.get() + begin, end - begin);
    end -= begin;
    begin = 0;
  }
  if (end + want > in_capacity) {
    const std::size_t cap = std::max(end + want, 2 * in_capacity);
    auto bigger = std::make_unique<char[]>(cap);
    if (end > 0) std::memcpy(bigger.get(), in.get(), end);
    in = std::move(bigger);
    in_capacity = cap;
  }
  return in.get() + end;
}

void ConnBytes::reset() {
  begin = end = 0;
  eof = false;
  error = 0;
  out.clear();
  sent = 0;
}

void ConnBytes::release() {
  reset();
  in.reset();
  in_capacity = 0;
  std::string().swap(out);
}

BIO* new_conn_bio(ConnBytes* bytes) {
  static BIO_METHOD* const method = make_method();  // lives as long as the program
  BIO* b = BIO_new(method);
  if (!b) throw std::runtime_error("load engine: BIO_new failed");
  BIO_set_data(b, bytes);
  return b;
}

}  // namespace mtls::load
