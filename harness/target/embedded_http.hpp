// The embedded target's HTTP layer in Beast terms, shared by the live session and the
// byte-level entry point (embedded_exchange.hpp). Only those two include it: Beast is heavy.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>

#include "target/embedded_exchange.hpp"

namespace mtls::target::embedded {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

// Header and body limits: beyond them a request is malformed, not buffered without bound.
void limit_parser(RequestParser& parser, const EmbeddedLimits& limits);

// What the error code of a finished read means for the connection.
ReadEnd classify_read(const boost::system::error_code& ec);

// The answer to a complete request: identity echo, or 403 by the allow-list.
Response respond(const Request& request, const ClientIdentity& peer,
                 const scenario::AllowList& allow);

// The answer to a request that could not be parsed; the connection closes after it.
Response respond_malformed();

}  // namespace mtls::target::embedded
