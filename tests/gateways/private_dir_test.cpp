// Launched gateways run from a directory other users cannot enter (mode 0700, as root's home
// and `mktemp -d` are), the way a checkout in root's home is run: the gateways' unprivileged children
// (Apache's run as nobody) must answer anyway. And a gateway that fails for reasons of its own
// (a document root its children cannot search, an upstream nobody listens on) makes its cases
// errors of class target_misbehaved carrying the gateway's log line, never a pass or a fail.
//
// One meson test per gateway (the Catch2 tag is its kind); a gateway whose binary is missing,
// or a check that needs root when not run as root, exits 77 with its reason: meson shows skip.
#include <catch2/catch.hpp>

#include <cctype>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include "common/files.hpp"
#include "gateway_support.hpp"

using namespace mtls;
namespace fs = std::filesystem;

namespace {

constexpr int kSkip = 77;

[[noreturn]] void skip(const std::string& why) {
  std::cout << "SKIP: " << why << "\n";
  std::exit(kSkip);
}


// A fresh `mktemp -d` under the build tree: 0700, owned by whoever runs the test. Removed
// when the test ends.
struct PrivateDir {
  fs::path path;
  PrivateDir() {
    const auto parent = test::build_root() / "test-scratch";
    fs::create_directories(parent);
    std::string tmpl = (parent / "private-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    REQUIRE((st.st_mode & 0777) == 0700);
  }
  ~PrivateDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

fs::path gate_scenario(const std::string& kind) {
  return test::source_root() / "scenarios" / (kind + "-gate.toml");
}

test::CliResult run_in(const PrivateDir& dir, const fs::path& scenario,
                       const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"run",        scenario.string(),
                                    "--fixtures", (dir.path / "fixtures").string(),
                                    "--reports",  (dir.path / "reports").string(),
                                    "--no-color"};
  args.insert(args.end(), extra.begin(), extra.end());
  return test::run_harness(args, dir.path);
}

nlohmann::json report_of(const PrivateDir& dir, const std::string& scenario_name) {
  return nlohmann::json::parse(
      common::read_file(dir.path / "reports" / scenario_name / "report.json"));
}

struct Gate {
  const char* kind;
  const char* summary;  // every case passes, or its profile says the gateway cannot check it
};

constexpr Gate kGates[] = {
    {"apache", "28 passed, 0 failed, 0 errors, 0 skipped of 28"},
    {"nginx", "28 passed, 0 failed, 0 errors, 0 skipped of 28"},
    {"haproxy", "26 passed, 0 failed, 0 errors, 2 not checkable, 0 skipped of 28"},
    {"caddy", "22 passed, 0 failed, 0 errors, 6 not checkable, 0 skipped of 28"},
};

void gate_passes_from_private_dir(const Gate& g) {
  if (!test::installed(g.kind)) return;
  if (::geteuid() != 0)
    WARN("not root: the gateways' children run as this user, who can enter the directory");
  PrivateDir dir;
  const auto r = run_in(dir, gate_scenario(g.kind));
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains(g.summary));
  const auto doc = report_of(dir, std::string(g.kind) + "-gate");
  REQUIRE_FALSE(doc["cases"].empty());
  for (const auto& c : doc["cases"]) {
    INFO(c["case"].get<std::string>() << " TLS " << c["tls_version"].get<std::string>() << ": "
                                      << c["message"].get<std::string>());
    CHECK((c["verdict"] == "pass" || c["verdict"] == "skipped" || c["verdict"] == "not_checkable"));
  }
}

// A copy of fixtures/<kind>/ with one more template, for MTLS_<KIND>_TEMPLATES.
fs::path templates_with(const PrivateDir& dir, const std::string& kind, const std::string& name,
                        const std::string& text) {
  const auto out = dir.path / "templates" / kind;
  fs::create_directories(out.parent_path());
  fs::copy(test::source_root() / "fixtures" / kind, out, fs::copy_options::recursive);
  common::write_file_atomic(out / name, text);
  return out;
}

// The gate scenario of `kind`, rendered with template `name` instead of its own.
fs::path scenario_with_template(const PrivateDir& dir, const std::string& kind,
                                const std::string& name) {
  auto text = common::read_file(gate_scenario(kind));
  const std::string key = "\ntemplate = \"";
  const auto at = text.find(key);
  REQUIRE(at != std::string::npos);
  const auto value = at + key.size();
  text.replace(value, text.find('"', value) - value, name);
  const auto file = dir.path / (kind + "-broken.toml");
  common::write_file_atomic(file, text);
  return file;
}

struct Broken {
  const char* kind;
  const char* why;            // what is broken, for messages
  const char* template_name;  // <name>.conf added to a copy of fixtures/<kind>/
  const char* template_text;
  bool needs_root;            // the fault only exists when the children drop privileges
  const char* log_label;      // how the message names the gateway's log
  const char* log_text;       // a piece of the gateway's own line
};

// Apache answering from a document root inside the runtime dir (what the templates did before
// the document root moved out of it): its children, as nobody, cannot search the 0700 parent.
constexpr const char* kApacheDocrootInRuntime = R"(Include {{runtime_dir}}/include/base.conf
<VirtualHost {{listen_address}}:{{port}}>
    DocumentRoot {{runtime_dir}}
    Include {{runtime_dir}}/include/server-tls.conf
    SSLVerifyClient require
    {{ssl_crl}}
    Include {{runtime_dir}}/include/identity.conf
</VirtualHost>
)";

// nginx proxying to a port nobody listens on (port 1 on loopback: refused at once).
constexpr const char* kNginxUpstreamDown = R"(include include/main.conf;
events { worker_connections 256; }
http {
    include include/http.conf;
    server {
        include include/server-tls.conf;
        include include/identity.conf;
        ssl_verify_client on;
        {{ssl_crl}}
        location / { proxy_pass http://127.0.0.1:1; }
    }
}
)";

constexpr Broken kBroken[] = {
    {"apache", "document root its children cannot search", "docroot-in-runtime.conf",
     kApacheDocrootInRuntime, true, "apache error log: ",
     "because search permissions are missing on a component of the path"},
    {"nginx", "upstream nobody listens on", "upstream-down.conf", kNginxUpstreamDown, false,
     "nginx error log: ", "connect() failed (111: Connection refused) while connecting to upstream"},
};

void broken_gateway_misbehaves(const Broken& b) {
  if (!test::installed(b.kind)) return;
  if (b.needs_root && ::geteuid() != 0)
    skip(std::string(b.kind) + " " + b.why + ": needs root, so that the children drop privileges");
  PrivateDir dir;
  const std::string name = fs::path(b.template_name).stem();
  const auto templates = templates_with(dir, b.kind, b.template_name, b.template_text);
  std::string var = "MTLS_" + std::string(b.kind) + "_TEMPLATES";
  for (auto& ch : var) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  REQUIRE(::setenv(var.c_str(), templates.c_str(), 1) == 0);
  // The clients the gateway lets in: the probe gets as far as the broken part.
  const auto r = run_in(dir, scenario_with_template(dir, b.kind, name),
                        {"--case", "valid", "--case", "rsa"});
  ::unsetenv(var.c_str());
  INFO(b.kind << " with a " << b.why << ":\n" << r.output);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, Catch::Contains("valid [TLS 1.3]: expected accept, but the target "
                                       "misbehaved: " + std::string(b.log_label)));
  CHECK_THAT(r.output, Catch::Contains(b.log_text));
  const auto doc = report_of(dir, std::string(b.kind) + "-gate");
  REQUIRE(doc["cases"].size() == 4);  // valid and rsa on TLS 1.2 and 1.3
  for (const auto& c : doc["cases"]) {
    const auto message = c["message"].get<std::string>();
    INFO(c["case"].get<std::string>() << " TLS " << c["tls_version"].get<std::string>() << ": "
                                      << message);
    CHECK(c["verdict"] == "error");
    CHECK(c["observed_class"] == "target_misbehaved");
    CHECK_THAT(message, Catch::Contains("but the target misbehaved: " + std::string(b.log_label)) &&
                            Catch::Contains(b.log_text));
  }
}

}  // namespace

TEST_CASE("apache: the gate passes from a 0700 directory", "[apache]") {
  gate_passes_from_private_dir(kGates[0]);
}
TEST_CASE("nginx: the gate passes from a 0700 directory", "[nginx]") {
  gate_passes_from_private_dir(kGates[1]);
}
TEST_CASE("haproxy: the gate passes from a 0700 directory", "[haproxy]") {
  gate_passes_from_private_dir(kGates[2]);
}
TEST_CASE("caddy: the gate passes from a 0700 directory", "[caddy]") {
  gate_passes_from_private_dir(kGates[3]);
}

TEST_CASE("apache: a document root its children cannot search is target_misbehaved",
          "[apache-broken]") {
  broken_gateway_misbehaves(kBroken[0]);
}
TEST_CASE("nginx: an upstream nobody listens on is target_misbehaved", "[nginx-broken]") {
  broken_gateway_misbehaves(kBroken[1]);
}
