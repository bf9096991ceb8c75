#include "common/signals.hpp"

#include <csignal>

namespace mtls::common {
namespace {

std::atomic<bool> g_stop{false};
volatile std::sig_atomic_t g_signal = 0;

extern "C" void on_stop_signal(int sig) {
  g_signal = sig;
  g_stop.store(true);
}

}  // namespace

const std::atomic<bool>& install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: blocking waits return early with EINTR
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  return g_stop;
}

int stop_signal() { return g_signal; }

bool stop_requested() { return g_stop.load(); }

void throw_if_stopped(const std::string& during) {
  if (g_stop.load())
    throw Interrupted("stopped by signal " + std::to_string(g_signal) + " " + during);
}

}  // namespace mtls::common
