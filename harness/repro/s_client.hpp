// The real `openssl s_client`, run with the same certificate, key, CA file, TLS version and
// ciphers as the probe, so a repro shows the lines people paste into search engines.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace mtls::repro {

struct SClientArgs {
  std::string host = "127.0.0.1";  // address to connect to
  int port = 0;
  std::string server_name;         // SNI and the name the server certificate must carry
  std::filesystem::path trust;     // CA file to verify the server with
  std::filesystem::path cert, key, chain;  // client identity; cert empty: none
  scenario::TlsVersion version = scenario::TlsVersion::tls1_3;
  std::string cipher_list;         // -cipher (TLS 1.2)
  std::string tls13_ciphersuites;  // -ciphersuites
  std::string path = "/";          // the request sent after the handshake
  std::filesystem::path scratch;   // where the request and the output are written
  std::chrono::milliseconds timeout{5000};
};

struct SClientRun {
  std::vector<std::string> argv;
  bool ran = false;               // false: openssl could not be started (see error)
  int exit_code = -1;
  std::string output;             // stdout and stderr, interleaved
  std::vector<std::string> lines; // the lines that say what happened (alerts, verify, HTTP)
  std::string error;
};

std::vector<std::string> s_client_argv(const SClientArgs& a);
SClientRun run_s_client(const SClientArgs& a);

// argv as one shell line, quoting what needs it.
std::string shell_line(const std::vector<std::string>& argv);

}  // namespace mtls::repro
