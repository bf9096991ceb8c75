#include "target/embedded_http.hpp"

#include <sstream>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/write.hpp>

namespace mtls::target::embedded {
namespace {

namespace http = boost::beast::http;
using error_code = boost::system::error_code;

}  // namespace

void limit_parser(RequestParser& parser, const EmbeddedLimits& limits) {
  parser.header_limit(limits.header_limit);
  parser.body_limit(limits.body_limit);
}

ReadEnd classify_read(const error_code& ec) {
  if (!ec) return ReadEnd::request;
  if (ec == http::error::end_of_stream) return ReadEnd::closed;
  // Every other HTTP parse error (bad method, header over the limit, body cut short, ...)
  // deserves a 400: the client is talking, just not HTTP/1.1 we accept.
  if (ec.category() == http::make_error_code(http::error::bad_target).category())
    return ReadEnd::malformed;
  return ReadEnd::dropped;  // timeout, reset, truncated TLS: nothing left to answer
}

Response respond(const Request& request, const ClientIdentity& peer,
                 const scenario::AllowList& allow) {
  const Answer a = answer(peer, allow,
                          std::string_view(request.target().data(), request.target().size()));
  Response r;
  r.version(request.version());
  r.result(static_cast<unsigned>(a.status));
  r.set(http::field::server, "mtls-harness-embedded");
  for (const auto& [name, value] : a.headers) r.set(name, value);
  r.body() = a.body;
  r.keep_alive(request.keep_alive());
  r.prepare_payload();
  return r;
}

Response respond_malformed() {
  Response r;
  r.version(11);
  r.result(http::status::bad_request);
  r.set(http::field::content_type, "application/json");
  r.body() = "{\"error\":\"malformed_request\"}\n";
  r.keep_alive(false);
  r.prepare_payload();
  return r;
}

Exchange handle_request_bytes(std::string_view bytes, const ClientIdentity& peer,
                              const scenario::AllowList& allow, const EmbeddedLimits& limits) {
  RequestParser parser;
  limit_parser(parser, limits);
  // As http::async_read does: feed what has arrived until the parser is done or fails. When
  // it needs more than the input holds, the client has closed there: the parser turns that
  // into its own error (end_of_stream before any byte, partial_message after some).
  error_code ec;
  std::size_t used = 0;
  while (!parser.is_done()) {
    const std::size_t n =
        parser.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    used += n;
    if (ec == http::error::need_more) ec = {};
    if (ec) break;
    if (n == 0 && !parser.is_done()) {
      if (parser.got_some())
        parser.put_eof(ec);
      else
        ec = http::error::end_of_stream;
      break;
    }
  }

  Exchange out;
  out.consumed = used;
  out.end = classify_read(ec);
  Response r;
  switch (out.end) {
    case ReadEnd::closed:
    case ReadEnd::dropped:
      return out;
    case ReadEnd::malformed:
      r = respond_malformed();
      break;
    case ReadEnd::request:
      r = respond(parser.get(), peer, allow);
      break;
  }
  out.status = static_cast<int>(r.result_int());
  out.keep_alive = r.keep_alive();
  std::ostringstream wire;
  wire << r;
  out.response = wire.str();
  return out;
}

}  // namespace mtls::target::embedded
