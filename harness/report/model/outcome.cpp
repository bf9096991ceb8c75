#include "report/model/outcome.hpp"
#include "report/model/observed.hpp"
#include "report/model/verdict_kinds.hpp"

namespace mtls::report {

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

std::string to_string(Observed o) {
  switch (o) {
#define MTLS_X(kind) \
  case Observed::kind: return #kind;
    MTLS_OBSERVED_KINDS(MTLS_X)
#undef MTLS_X
  }
  return "?";
}

std::string to_string(Status s) { return std::string(info(s).json); }
std::string words(Status s) { return std::string(info(s).words); }

}  // namespace mtls::report
