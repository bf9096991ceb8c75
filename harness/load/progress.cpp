#include "load/progress.hpp"

#include <cstdio>
#include <unistd.h>

#include <fmt/format.h>

namespace mtls::load {

std::string progress_text(const std::string& phase, const Progress& p) {
  // The p99 of whole connections (from their intended start) over the last complete second;
  // nothing until a second with a finished connection is behind us, never a made-up 0.00 ms.
  const std::string p99 = p.p99_ms > 0 ? fmt::format("{:7.2f} ms", p.p99_ms) : fmt::format("{:>10}", "—");
  return fmt::format("load {}: {:6.1f}s{} {:8.0f} hs/s  connection p99 {}  conns {}  errors {}  "
                     "resumed {:5.1f}%  open {}",
                     phase, p.elapsed_s, p.warmup ? " (warm-up)" : "", p.handshakes_per_s, p99,
                     p.connections, p.errors, 100.0 * p.resumed_share, p.open);
}

ProgressPrinter::ProgressPrinter(std::string phase_name)
    : name_(std::move(phase_name)), tty_(isatty(STDERR_FILENO) == 1) {}

void ProgressPrinter::update(const Progress& p) {
  const auto now = std::chrono::steady_clock::now();
  const auto every = tty_ ? std::chrono::milliseconds(500) : std::chrono::milliseconds(5000);
  if (printed_ && now - last_ < every) return;
  last_ = now;
  printed_ = true;
  const std::string line = progress_text(name_, p);
  if (tty_)
    std::fprintf(stderr, "\r%s\x1b[K", line.c_str());
  else
    std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

void ProgressPrinter::finish() {
  if (tty_ && printed_) std::fputc('\n', stderr);
}

}  // namespace mtls::load
