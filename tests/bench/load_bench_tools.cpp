#include "load_bench_tools.hpp"

#include <chrono>
#include <csignal>
#include <fstream>
#include <regex>
#include <stdexcept>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>

#include <fmt/format.h>

#include "common/files.hpp"
#include "common/process.hpp"

namespace mtls::bench {
namespace {

double tv_us(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) * 1e6 + static_cast<double>(tv.tv_usec);
}

// "<name> ... <a>s <b>s <x> <y>" lines of `openssl speed`: the last two numbers are rates.
std::pair<double, double> speed_rates(const std::string& out, const std::string& label) {
  std::regex line(label + R"(.*\s([0-9.]+)\s+([0-9.]+)\s*$)");
  std::smatch m;
  std::istringstream in(out);
  for (std::string l; std::getline(in, l);)
    if (std::regex_search(l, m, line)) return {std::stod(m[1]), std::stod(m[2])};
  throw std::runtime_error("openssl speed: no line matching '" + label + "' in:\n" + out);
}

}  // namespace

Nginx::~Nginx() {
  if (master > 0) common::stop_process(master);
}

std::unique_ptr<Nginx> start_nginx(const pki::Fixtures& f, const std::filesystem::path& dir,
                                   int cpu, int max_connections) {
  auto n = std::make_unique<Nginx>();
  n->dir = dir;
  n->port = common::free_loopback_port();
  common::make_dirs(dir / "tmp");
  const std::string conf = fmt::format(R"(# written by tests/bench/load_bench
daemon off;
master_process on;
worker_processes 1;
worker_cpu_affinity {mask};
worker_rlimit_nofile {files};
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections {conns}; multi_accept on; }}
http {{
  access_log off;
  client_body_temp_path {dir}/tmp;
  proxy_temp_path {dir}/tmp;
  fastcgi_temp_path {dir}/tmp;
  uwsgi_temp_path {dir}/tmp;
  scgi_temp_path {dir}/tmp;
  keepalive_requests 100000;
  server {{
    listen 127.0.0.1:{port} ssl backlog=8192;
    server_name localhost;
    ssl_certificate {cert};
    ssl_certificate_key {key};
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:bench:64m;
    ssl_session_tickets on;
    ssl_client_certificate {ca};
    ssl_verify_client on;
    ssl_verify_depth {depth};
    add_header X-Client-DN $ssl_client_s_dn always;
    add_header X-Session-Reused $ssl_session_reused always;
    location / {{ return 200 "ok\n"; }}
  }}
}}
)",
                                       fmt::arg("mask", std::string(static_cast<std::size_t>(cpu), '0').insert(0, "1")),
                                       fmt::arg("files", 2 * max_connections + 1024),
                                       fmt::arg("dir", dir.string()),
                                       fmt::arg("conns", max_connections + 1024),
                                       fmt::arg("port", n->port),
                                       fmt::arg("cert", f.server_fullchain.string()),
                                       fmt::arg("key", f.server_key.string()),
                                       fmt::arg("ca", f.ca_bundle.string()),
                                       fmt::arg("depth", f.verify_depth));
  common::write_file_atomic(dir / "nginx.conf", conf);
  common::SpawnOptions o;
  o.argv = {"nginx", "-p", dir.string(), "-c", (dir / "nginx.conf").string()};
  o.stderr_file = dir / "stderr.log";
  n->master = common::spawn(o);
  if (!common::wait_until_listening("127.0.0.1", n->port, std::chrono::seconds(5), n->master))
    throw std::runtime_error("nginx did not start; see " + (dir / "stderr.log").string() +
                             " and " + (dir / "error.log").string());
  return n;
}

ToolRun run_tool(const std::vector<std::string>& argv, const std::filesystem::path& scratch,
                 double timeout_s) {
  const auto out = scratch / "tool.out";
  std::filesystem::remove(out);
  common::SpawnOptions o;
  o.argv = argv;
  o.stdout_file = out;
  o.stderr_file = scratch / "tool.err";
  const pid_t pid = common::spawn(o);
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(timeout_s));
  ToolRun r;
  for (;;) {
    int status = 0;
    rusage ru{};
    const pid_t w = wait4(pid, &status, WNOHANG, &ru);
    if (w == pid) {
      r.client_cpu_us = tv_us(ru.ru_utime) + tv_us(ru.ru_stime);
      r.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    if (std::chrono::steady_clock::now() > deadline) kill(pid, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  r.output = common::read_file(out);
  return r;
}

Floor measure_floor(int cpu, const std::filesystem::path& scratch) {
  const auto c = std::to_string(cpu);
  Floor fl;
  auto ec = run_tool({"taskset", "-c", c, "openssl", "speed", "-seconds", "1", "ecdsap256"}, scratch, 30);
  auto [ec_sign, ec_verify] = speed_rates(ec.output, R"(256 bits ecdsa)");
  auto x = run_tool({"taskset", "-c", c, "openssl", "speed", "-seconds", "1", "ecdhx25519"}, scratch, 30);
  std::regex xline(R"(ecdh \(X25519\)\s+[0-9.]+s\s+([0-9.]+))");
  std::smatch m;
  if (!std::regex_search(x.output, m, xline))
    throw std::runtime_error("openssl speed ecdhx25519: unexpected output:\n" + x.output);
  auto rsa = run_tool({"taskset", "-c", c, "openssl", "speed", "-seconds", "1", "rsa2048"}, scratch, 30);
  auto [rsa_sign, rsa_verify] = speed_rates(rsa.output, R"(rsa 2048 bits)");
  fl.ecdsa_sign_us = 1e6 / ec_sign;
  fl.ecdsa_verify_us = 1e6 / ec_verify;
  fl.x25519_us = 1e6 / std::stod(m[1]);
  fl.rsa_sign_us = 1e6 / rsa_sign;
  fl.rsa_verify_us = 1e6 / rsa_verify;
  return fl;
}

BroughtPki make_brought_pki(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  const auto at = [&](const char* name) { return (dir / name).string(); };
  {
    std::ofstream ext(dir / "ext.cnf");
    ext << "[ca]\nbasicConstraints = critical, CA:TRUE, pathlen:0\n"
           "keyUsage = critical, keyCertSign, cRLSign\n"
           "[leaf]\nbasicConstraints = CA:FALSE\nkeyUsage = critical, digitalSignature\n"
           "extendedKeyUsage = clientAuth\nsubjectAltName = URI:spiffe://acme.example/bench\n";
  }
  const auto step = [&](std::vector<std::string> argv) {
    const auto r = run_tool(argv, dir, 30);
    if (r.exit_status != 0)
      throw std::runtime_error("brought PKI: '" + argv[1] + "' failed (exit " +
                               std::to_string(r.exit_status) + "): " +
                               common::read_file(dir / "tool.err"));
  };
  for (const char* key : {"root.key", "issuing.key", "leaf.key"})
    step({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", at(key)});
  step({"openssl", "req", "-x509", "-new", "-key", at("root.key"), "-subj", "/O=Acme/CN=Acme Bench Root CA",
        "-days", "30", "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
        "keyUsage=critical,keyCertSign,cRLSign", "-out", at("root.pem")});
  step({"openssl", "req", "-new", "-key", at("issuing.key"), "-subj", "/O=Acme/CN=Acme Bench Issuing CA",
        "-out", at("issuing.csr")});
  step({"openssl", "x509", "-req", "-in", at("issuing.csr"), "-CA", at("root.pem"), "-CAkey",
        at("root.key"), "-CAcreateserial", "-days", "30", "-extfile", at("ext.cnf"), "-extensions",
        "ca", "-out", at("issuing.pem")});
  step({"openssl", "req", "-new", "-key", at("leaf.key"), "-subj", "/O=Acme/CN=bench-brought",
        "-out", at("leaf.csr")});
  step({"openssl", "x509", "-req", "-in", at("leaf.csr"), "-CA", at("issuing.pem"), "-CAkey",
        at("issuing.key"), "-CAcreateserial", "-days", "30", "-extfile", at("ext.cnf"),
        "-extensions", "leaf", "-out", at("leaf.pem")});
  for (const char* key : {"root.key", "issuing.key", "leaf.key"})
    fs::permissions(dir / key, fs::perms::owner_read | fs::perms::owner_write);
  return {dir / "root.pem", dir / "leaf.pem", dir / "leaf.key", dir / "issuing.pem"};
}

}  // namespace mtls::bench
