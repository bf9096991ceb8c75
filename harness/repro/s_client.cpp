#include "repro/s_client.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sstream>
#include <thread>
#include <unistd.h>

#include "common/files.hpp"
#include "common/process.hpp"

extern char** environ;

namespace mtls::repro {
namespace {

// What s_client prints when something goes wrong or the server answers: OpenSSL error lines
// (received alerts), verification results, the HTTP status line.
bool telling(const std::string& line) {
  for (const char* needle : {":error:", "verify error:", "Verify return code:", "HTTP/1.",
                             "alert", "Verification error:"})
    if (line.find(needle) != std::string::npos) return true;
  return false;
}

std::vector<std::string> telling_lines(const std::string& output) {
  std::vector<std::string> out;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || !telling(line)) continue;
    line = line.substr(first);
    bool seen = false;
    for (const auto& l : out) seen = seen || l == line;
    if (!seen) out.push_back(line);
  }
  return out;
}

// posix_spawn with stdin from a file and stdout+stderr to another, in its own process group.
pid_t spawn_with_io(const std::vector<std::string>& argv, const std::filesystem::path& in,
                    const std::filesystem::path& out) {
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&fa);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &fa, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  return pid;
}

}  // namespace

std::vector<std::string> s_client_argv(const SClientArgs& a) {
  std::vector<std::string> v = {"openssl", "s_client", "-connect",
                                a.host + ":" + std::to_string(a.port)};
  if (!a.server_name.empty())
    v.insert(v.end(), {"-servername", a.server_name, "-verify_hostname", a.server_name});
  if (!a.trust.empty()) v.insert(v.end(), {"-CAfile", a.trust.string()});
  v.push_back("-verify_return_error");
  if (!a.cert.empty()) {
    v.insert(v.end(), {"-cert", a.cert.string(), "-key", a.key.string()});
    if (!a.chain.empty()) v.insert(v.end(), {"-cert_chain", a.chain.string()});
  }
  v.push_back(a.version == scenario::TlsVersion::tls1_2 ? "-tls1_2" : "-tls1_3");
  if (!a.cipher_list.empty()) v.insert(v.end(), {"-cipher", a.cipher_list});
  if (!a.tls13_ciphersuites.empty()) v.insert(v.end(), {"-ciphersuites", a.tls13_ciphersuites});
  // Send the request and keep reading until the server closes: in TLS 1.3 the verdict on
  // the client certificate arrives only after the handshake.
  v.push_back("-ign_eof");
  return v;
}

SClientRun run_s_client(const SClientArgs& a) {
  SClientRun r;
  r.argv = s_client_argv(a);
  const auto request = a.scratch / "s_client-request.txt";
  const auto output = a.scratch / "s_client-output.txt";
  try {
    common::make_dirs(a.scratch);
    common::write_file_atomic(request, "GET " + a.path + " HTTP/1.1\r\nHost: " +
                                           (a.server_name.empty() ? a.host : a.server_name) +
                                           "\r\nConnection: close\r\n\r\n",
                              0644, common::Durability::regenerable);
    const pid_t pid = spawn_with_io(r.argv, request, output);
    const auto deadline = std::chrono::steady_clock::now() + a.timeout;
    int status = 0;
    while (!common::has_exited(pid, &status)) {
      if (std::chrono::steady_clock::now() > deadline) {
        common::stop_process(pid, std::chrono::milliseconds(200));
        r.error = "openssl s_client did not finish within " +
                  std::to_string(a.timeout.count()) + " ms; stopped";
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    r.ran = true;
    r.exit_code = status;
    r.output = common::read_file(output, common::kNoFileLimit);
    r.lines = telling_lines(r.output);
  } catch (const std::exception& e) {
    r.error = e.what();
  }
  return r;
}

std::string shell_line(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    const bool plain = !a.empty() && a.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLM"
                                                         "NOPQRSTUVWXYZ0123456789-_./:=@,+") ==
                                         std::string::npos;
    if (plain) {
      out += a;
      continue;
    }
    out += '\'';
    for (char ch : a) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    out += '\'';
  }
  return out;
}

}  // namespace mtls::repro
