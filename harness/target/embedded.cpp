// The embedded target: an acceptor and a pool of io threads around embedded sessions.
#include "target/embedded_server.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <fmt/format.h>

#include "scenario/scenario.hpp"
#include "target/embedded_session.hpp"
#include "target/embedded_tls.hpp"

namespace mtls::target {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using error_code = boost::system::error_code;

std::string versions_text(const std::vector<scenario::TlsVersion>& versions) {
  if (versions.empty()) return "none";
  auto lo = versions.front(), hi = versions.front();
  for (auto v : versions) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  const auto bare = [](scenario::TlsVersion v) {
    return v == scenario::TlsVersion::tls1_3 ? "1.3" : "1.2";
  };
  return lo == hi ? std::string(bare(lo)) : fmt::format("{}-{}", bare(lo), bare(hi));
}

tcp::endpoint listen_address(const StartOptions& opts) {
  error_code ec;
  const auto address = asio::ip::make_address(opts.host, ec);
  if (ec)
    throw TargetError(fmt::format("embedded target: listen host '{}' is not a numeric IP "
                                  "address (use 127.0.0.1 or ::1)", opts.host));
  if (opts.port < 0 || opts.port > 65535)
    throw TargetError(fmt::format("embedded target: port {} is out of range", opts.port));
  return {address, static_cast<unsigned short>(opts.port)};
}

}  // namespace

// Member order is destruction order in reverse: sessions die with the io_context, before the
// TLS context, limits and counters they point at.
struct EmbeddedServer::Impl {
  std::string description;
  Endpoint endpoint;
  EmbeddedLimits limits;
  scenario::AllowList allow;
  bool crl = false;  // client certificates are checked against CRLs
  embedded::SharedCounters counters;
  asio::ssl::context tls{asio::ssl::context::tls_server};
  std::optional<embedded::SessionShared> shared;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  asio::steady_timer retry{io};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::vector<std::thread> threads;
  std::once_flag stopped;

  void listen(const tcp::endpoint& at) {
    error_code ec;
    acceptor.open(at.protocol(), ec);
    if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor.bind(at, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
      throw TargetError(fmt::format("embedded target: cannot listen on {}:{}: {}",
                                    at.address().to_string(), at.port(), ec.message()));
    endpoint.port = acceptor.local_endpoint().port();
  }

  void accept() {
    // Each connection gets its own strand, so any number of io threads may serve it.
    acceptor.async_accept(asio::make_strand(io), [this](error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (ec) return accept_later();  // e.g. EMFILE: back off instead of spinning
      if (static_cast<int>(counters.connections_active.get()) >= limits.max_connections) {
        counters.connections_refused.add();
        socket.close(ec);
      } else {
        // Small TLS records (alerts, close_notify) must not wait for a delayed ACK.
        socket.set_option(tcp::no_delay(true), ec);
        embedded::start_session(std::move(socket), *shared);
      }
      accept();
    });
  }

  void accept_later() {
    retry.expires_after(std::chrono::milliseconds(50));
    retry.async_wait([this](error_code ec) {
      if (!ec) accept();
    });
  }

  void run_thread() {
    for (;;) {
      try {
        io.run();
        return;
      } catch (const std::exception& e) {
        // A handler threw: that connection is lost, the server keeps serving.
        std::fprintf(stderr, "embedded target: connection handler failed: %s\n", e.what());
      }
    }
  }
};

EmbeddedServer::EmbeddedServer(const scenario::Scenario& s, const pki::Fixtures& f,
                               const StartOptions& opts, const EmbeddedLimits& limits)
    : impl_(std::make_unique<Impl>()) {
  const auto& t = s.target;
  impl_->limits = limits;
  impl_->allow = t.allow;
  impl_->crl = t.crl && t.verify != scenario::VerifyMode::off;
  impl_->description = fmt::format(
      "embedded (verify={}, crl={}, depth={}, tls {}, cache={}, tickets={}, threads={})",
      scenario::to_string(t.verify), t.crl ? "on" : "off", t.verify_depth,
      versions_text(t.tls_versions), t.session_cache ? "on" : "off",
      t.session_tickets ? "on" : "off", std::max(1, opts.threads));
  embedded::configure_server_context(impl_->tls.native_handle(), t, f);
  impl_->shared.emplace(
      embedded::SessionShared{impl_->tls, impl_->allow, impl_->limits, impl_->counters});

  impl_->endpoint.host = opts.host;
  impl_->endpoint.server_name = "localhost";
  impl_->endpoint.trust = f.server_trust;
  impl_->listen(listen_address(opts));

  impl_->work.emplace(impl_->io.get_executor());
  impl_->accept();
  for (int i = 0; i < std::max(1, opts.threads); ++i)
    impl_->threads.emplace_back([impl = impl_.get()] { impl->run_thread(); });
}

EmbeddedServer::~EmbeddedServer() { stop(); }

Endpoint EmbeddedServer::endpoint() const { return impl_->endpoint; }

std::string EmbeddedServer::describe() const { return impl_->description; }

bool EmbeddedServer::replace_crls(const std::string& pem) {
  if (!impl_->crl) return false;
  embedded::install_crls(impl_->tls.native_handle(), pem, "the replacement CRLs");
  return true;
}

EmbeddedCounters EmbeddedServer::counters() const { return impl_->counters.snapshot(); }

void EmbeddedServer::stop() {
  std::call_once(impl_->stopped, [impl = impl_.get()] {
    // Pending handlers are dropped, not run: sessions are destroyed with the io_context.
    impl->work.reset();
    impl->io.stop();
    for (auto& t : impl->threads)
      if (t.joinable()) t.join();
    error_code ignored;
    impl->acceptor.close(ignored);  // the port is free once stop() returns
  });
}

std::unique_ptr<RunningTarget> start_embedded(const scenario::Scenario& s,
                                              const pki::Fixtures& f, const StartOptions& opts) {
  return std::make_unique<EmbeddedServer>(s, f, opts);
}

EmbeddedCounters run_embedded_foreground(const scenario::Scenario& s, const pki::Fixtures& f,
                                         const StartOptions& opts,
                                         const std::function<bool()>& keep_running,
                                         const std::function<void(const EmbeddedServer&)>& on_ready,
                                         std::chrono::milliseconds poll) {
  EmbeddedServer server(s, f, opts);
  if (on_ready) on_ready(server);
  while (keep_running()) std::this_thread::sleep_for(poll);
  server.stop();
  return server.counters();
}

}  // namespace mtls::target
