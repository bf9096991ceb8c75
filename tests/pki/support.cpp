#include "support.hpp"

#include <cstdlib>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

#include "common/files.hpp"
#include "common/process.hpp"
#include "scenario/names.hpp"

namespace mtls::pki::test {

namespace fs = std::filesystem;
using scenario::Fault;
using scenario::KeyType;

TempDir::TempDir(const std::string& tag) {
  const char* root = std::getenv("MTLS_BUILD_ROOT");
  fs::path base = root ? fs::path(root) / "tmp" : fs::temp_directory_path();
  fs::create_directories(base);
  std::string pattern = (base / ("pki-" + tag + "-XXXXXX")).string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed under " + base.string());
  path_ = pattern;
}

TempDir::~TempDir() {
  if (std::getenv("MTLS_KEEP_TMP")) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

scenario::Identity identity(const std::string& name, Fault fault, KeyType key) {
  scenario::Identity id;
  id.name = name;
  id.common_name = "client-" + name;
  id.fault = fault;
  id.key_type = key;
  id.organization = "mtls-harness";
  if (fault == Fault::expired) {
    id.not_before_days = -30;
    id.not_after_days = -1;
  } else if (fault == Fault::not_yet_valid) {
    id.not_before_days = 1;
    id.not_after_days = 366;
  }
  return id;
}

scenario::Scenario every_fault_scenario(const std::string& name, KeyType ca_key) {
  scenario::Scenario s;
  s.name = name;
  s.pki.key_type = ca_key;
  for (const auto& f : scenario::names(Fault{}))
    s.identities.push_back(identity(f.value == Fault::none ? "valid" : std::string(f.name),
                                    f.value, ca_key));
  for (const auto& k : scenario::names(KeyType{}))
    s.identities.push_back(identity("key-" + std::string(k.name), Fault::none, k.value));
  // Names as a policy would match them.
  auto& valid = s.identities.front();
  valid.organizational_unit = "payments";
  valid.san_dns = {"valid.clients.example"};
  valid.san_uri = {"spiffe://cluster.local/ns/prod/sa/order"};
  return s;
}

scenario::Scenario quickstart_like(KeyType key_type) {
  scenario::Scenario s;
  s.name = "quickstart-" + scenario::to_string(key_type);
  s.pki.key_type = key_type;
  auto add = [&](const std::string& n, Fault f, KeyType k) {
    s.identities.push_back(identity(n, f, k));
  };
  add("valid", Fault::none, key_type);
  s.identities.back().organization = "Example Corp";
  s.identities.back().organizational_unit = "payments";
  add("spiffe-order", Fault::none, key_type);
  s.identities.back().san_uri = {"spiffe://cluster.local/ns/prod/sa/order"};
  add("rsa", Fault::none, KeyType::rsa_2048);
  add("ed25519", Fault::none, KeyType::ed25519);
  for (Fault f : {Fault::expired, Fault::not_yet_valid, Fault::wrong_ca, Fault::revoked,
                  Fault::self_signed, Fault::wrong_eku, Fault::missing_intermediate,
                  Fault::too_deep, Fault::weak_key, Fault::key_mismatch})
    add(scenario::to_string(f), f, key_type);
  add("stranger", Fault::not_allowed, key_type);
  return s;
}

const Fixtures& every_fault_fixtures() {
  static TempDir dir("faults");
  static const Fixtures f = [] {
    Options o;
    o.fixtures_root = dir.path();
    return materialize(every_fault_scenario("faults"), o);
  }();
  return f;
}

std::vector<std::string> identity_names(const Fixtures& f) {
  std::vector<std::string> out;
  for (const auto& i : f.identities) out.push_back(i.name);
  return out;
}

Captured run_capture(const std::vector<std::string>& argv, const fs::path& scratch) {
  static int counter = 0;
  const fs::path out = scratch / ("capture-" + std::to_string(++counter) + ".txt");
  common::SpawnOptions opts;
  opts.argv = argv;
  opts.stdout_file = out;
  opts.stderr_file = out;
  const pid_t pid = common::spawn(opts);
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) throw std::runtime_error("waitpid failed for " + argv[0]);
  Captured c;
  c.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  c.output = common::read_file(out);
  return c;
}

}  // namespace mtls::pki::test
