#include "probe/outcome.hpp"

namespace mtls::probe {

std::string to_string(TcpResult t) {
  switch (t) {
    case TcpResult::not_attempted: return "not attempted";
    case TcpResult::connected: return "connected";
    case TcpResult::refused: return "refused";
    case TcpResult::timeout: return "timeout";
    case TcpResult::unreachable: return "unreachable";
  }
  return "?";
}

}  // namespace mtls::probe
