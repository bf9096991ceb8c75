// What is inside each file: keys, modes, chains, PKCS#12, extensions, the manifest.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include "common/files.hpp"
#include "pki/keys.hpp"
#include "pki/ossl.hpp"
#include "prerequisites.hpp"
#include "support.hpp"

namespace mtls::pki::test {
namespace {

namespace fs = std::filesystem;
using scenario::Fault;

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

std::size_t chain_length(const IdentityFiles& id) {
  return id.chain.empty() ? 0 : ossl::read_certs(id.chain).size();
}

bool has_eku(X509* cert, int nid) {
  auto* eku = static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr));
  bool found = false;
  for (int i = 0; eku && i < sk_ASN1_OBJECT_num(eku); ++i)
    found = found || OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, i)) == nid;
  EXTENDED_KEY_USAGE_free(eku);
  return found;
}

}  // namespace

TEST_CASE("secrets are 0600, public files 0644, directories 0755", "[pki][files]") {
  const auto& f = every_fault_fixtures();
  CHECK(mode_of(f.dir) == 0755);
  CHECK(mode_of(f.server_key) == 0600);
  CHECK(mode_of(f.server_cert) == 0644);
  for (const char* ca : {"root", "intermediate", "rogue-root", "sub-ca-1"})
    CHECK(mode_of(f.dir / "ca" / (std::string(ca) + ".key.pem")) == 0600);
  const auto name = GENERATE(from_range(identity_names(every_fault_fixtures())));
  const auto* id = f.find(name);
  INFO(name);
  CHECK(mode_of(id->cert.parent_path()) == 0755);
  CHECK(mode_of(id->key) == 0600);
  CHECK(mode_of(id->bundle) == 0600);
  CHECK(mode_of(id->p12) == 0600);
  CHECK(mode_of(id->cert) == 0644);
  CHECK(mode_of(id->fullchain) == 0644);
}

TEST_CASE("each identity ships the chain its fault calls for", "[pki][files]") {
  const auto& f = every_fault_fixtures();
  struct Row {
    const char* identity;
    std::size_t chain;
  };
  const auto row = GENERATE(values<Row>({{"valid", 1}, {"wrong-ca", 0}, {"self-signed", 0},
                                         {"missing-intermediate", 0}, {"revoked", 1},
                                         {"too-deep", 3}, {"key-ed25519", 1}}));
  const auto* id = f.find(row.identity);
  INFO(row.identity);
  CHECK(chain_length(*id) == row.chain);
  CHECK(id->chain.empty() == (row.chain == 0));
  CHECK(fs::exists(id->cert.parent_path() / "chain.pem") == (row.chain > 0));
  const std::string chain = id->chain.empty() ? "" : common::read_file(id->chain);
  CHECK(common::read_file(id->fullchain) == common::read_file(id->cert) + chain);
  CHECK(common::read_file(id->bundle) ==
        common::read_file(id->key) + common::read_file(id->fullchain));
}

TEST_CASE("only key-mismatch ships a key that does not match its certificate", "[pki][keys]") {
  const auto& f = every_fault_fixtures();
  const auto name = GENERATE(from_range(identity_names(every_fault_fixtures())));
  const auto* id = f.find(name);
  INFO(name);
  auto cert = ossl::read_cert(id->cert);
  auto key = ossl::read_key(id->key);
  const bool matches = X509_check_private_key(cert.get(), key.get()) == 1;
  ERR_clear_error();
  CHECK(matches == (id->fault != Fault::key_mismatch));
  CHECK(id->key_matches_cert == matches);
  // Same type either way: the mismatch is the key, not its algorithm.
  CHECK(describe_key(key.get()) == describe_key(X509_get0_pubkey(cert.get())));
}

TEST_CASE("key types: weak-key is RSA-1024, the rest what the identity asks for", "[pki][keys]") {
  const auto& f = every_fault_fixtures();
  struct Row {
    const char* identity;
    const char* key;
  };
  const auto row = GENERATE(values<Row>({{"weak-key", "RSA 1024"},
                                         {"valid", "EC prime256v1"},
                                         {"key-ec-p256", "EC prime256v1"},
                                         {"key-ec-p384", "EC secp384r1"},
                                         {"key-rsa-2048", "RSA 2048"},
                                         {"key-rsa-3072", "RSA 3072"},
                                         {"key-rsa-4096", "RSA 4096"},
                                         {"key-ed25519", "ED25519"}}));
  INFO(row.identity);
  auto key = ossl::read_key(f.find(row.identity)->key);
  CHECK(describe_key(key.get()) == row.key);
}

TEST_CASE("PKCS#12 opens with the password and holds key, leaf and chain", "[pki][p12]") {
  const auto& f = every_fault_fixtures();
  const auto name = GENERATE(from_range(identity_names(every_fault_fixtures())));
  const auto* id = f.find(name);
  INFO(name);
  const std::string der = common::read_file(id->p12);
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ossl::P12 p12(d2i_PKCS12(nullptr, &p, static_cast<long>(der.size())));
  REQUIRE(p12);
  CHECK(PKCS12_verify_mac(p12.get(), "wrong-password", -1) == 0);
  EVP_PKEY* raw_key = nullptr;
  X509* raw_cert = nullptr;
  STACK_OF(X509)* raw_ca = nullptr;
  REQUIRE(PKCS12_parse(p12.get(), "changeit", &raw_key, &raw_cert, &raw_ca) == 1);
  ossl::Key key(raw_key);
  ossl::Cert cert(raw_cert);
  const int extra = raw_ca ? sk_X509_num(raw_ca) : 0;  // no stack when nothing is extra
  sk_X509_pop_free(raw_ca, X509_free);

  auto leaf = ossl::read_cert(id->cert);
  CHECK(EVP_PKEY_eq(key.get(), ossl::read_key(id->key).get()) == 1);
  if (id->key_matches_cert) {
    REQUIRE(cert);
    CHECK(X509_cmp(cert.get(), leaf.get()) == 0);
    CHECK(extra == static_cast<int>(chain_length(*id)));
  } else {
    // PKCS12_parse pairs by key; the unmatched leaf lands among the extra certificates.
    CHECK(!cert);
    CHECK(extra == static_cast<int>(chain_length(*id)) + 1);
  }
  ERR_clear_error();
}

TEST_CASE("Java's keytool reads the PKCS#12 files", "[pki][p12][java]") {
  if (!mtls::test::installed("keytool")) return;
  TempDir scratch("keytool");
  const auto& f = every_fault_fixtures();
  const auto name = GENERATE(as<std::string>{}, "valid", "key-mismatch", "key-ed25519",
                             "key-rsa-4096", "too-deep");
  const auto* id = f.find(name);
  const auto out = run_capture({"keytool", "-list", "-v", "-storetype", "PKCS12", "-keystore",
                                id->p12.string(), "-storepass", "changeit"},
                               scratch.path());
  INFO(out.output);
  CHECK(out.exit_code == 0);
  CHECK(out.output.find("Alias name: " + name) != std::string::npos);
  CHECK(out.output.find("Entry type: PrivateKeyEntry") != std::string::npos);
  CHECK(out.output.find("Certificate chain length: " + std::to_string(chain_length(*id) + 1)) !=
        std::string::npos);
}

TEST_CASE("certificates carry the profile's extensions, names and serials", "[pki][x509]") {
  const auto& f = every_fault_fixtures();
  auto valid = ossl::read_cert(f.find("valid")->cert);
  CHECK(f.find("valid")->subject == "CN=client-valid,OU=payments,O=mtls-harness");
  CHECK(has_eku(valid.get(), NID_client_auth));
  CHECK_FALSE(has_eku(valid.get(), NID_server_auth));
  CHECK(X509_check_host(valid.get(), "valid.clients.example", 0, 0, nullptr) == 1);
  CHECK((X509_get_extension_flags(valid.get()) & EXFLAG_CA) == 0);
  CHECK((X509_get_key_usage(valid.get()) & KU_DIGITAL_SIGNATURE) != 0);
  const ASN1_INTEGER* serial = X509_get0_serialNumber(valid.get());
  CHECK(serial->length == 16);
  CHECK(serial->type == V_ASN1_INTEGER);  // positive
  CHECK(f.find("valid")->serial.size() == 32);

  auto eku = ossl::read_cert(f.find("wrong-eku")->cert);
  CHECK(has_eku(eku.get(), NID_server_auth));
  CHECK_FALSE(has_eku(eku.get(), NID_client_auth));

  auto rsa = ossl::read_cert(f.find("key-rsa-2048")->cert);
  CHECK((X509_get_key_usage(rsa.get()) & KU_KEY_ENCIPHERMENT) != 0);

  auto root = ossl::read_cert(f.dir / "ca" / "root.crt.pem");
  CHECK((X509_get_extension_flags(root.get()) & EXFLAG_CA) != 0);
  CHECK(X509_get_key_usage(root.get()) == (KU_KEY_CERT_SIGN | KU_CRL_SIGN));
  CHECK(X509_get0_subject_key_id(root.get()) != nullptr);
  // The gateway trusts the root alone; clients bring the intermediate.
  CHECK(common::read_file(f.ca_bundle) == common::read_file(f.dir / "ca" / "root.crt.pem"));
}

TEST_CASE("the server certificate verifies for its names against server_trust", "[pki][server]") {
  const auto& f = every_fault_fixtures();
  auto chain = ossl::read_certs(f.server_fullchain);
  REQUIRE(chain.size() == 2);
  CHECK(X509_cmp(chain[0].get(), ossl::read_cert(f.server_cert).get()) == 0);
  CHECK(X509_check_host(chain[0].get(), "localhost", 0, 0, nullptr) == 1);
  CHECK(X509_check_ip_asc(chain[0].get(), "127.0.0.1", 0) == 1);
  CHECK(X509_check_ip_asc(chain[0].get(), "::1", 0) == 1);
  CHECK(has_eku(chain[0].get(), NID_server_auth));
  CHECK(X509_check_private_key(chain[0].get(), ossl::read_key(f.server_key).get()) == 1);

  ossl::Store store(X509_STORE_new());
  REQUIRE(X509_STORE_load_file(store.get(), f.server_trust.c_str()) == 1);
  STACK_OF(X509)* untrusted = sk_X509_new_null();
  sk_X509_push(untrusted, chain[1].get());
  ossl::StoreCtx ctx(X509_STORE_CTX_new());
  REQUIRE(X509_STORE_CTX_init(ctx.get(), store.get(), chain[0].get(), untrusted) == 1);
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);
  X509_VERIFY_PARAM_set1_host(X509_STORE_CTX_get0_param(ctx.get()), "localhost", 0);
  CHECK(X509_verify_cert(ctx.get()) == 1);
  sk_X509_free(untrusted);
}

TEST_CASE("manifest.json lists every identity and every file", "[pki][manifest]") {
  const auto& f = every_fault_fixtures();
  const auto m = nlohmann::json::parse(common::read_file(f.manifest));
  CHECK(m["version"] == 1);
  CHECK(m["scenario"] == "faults");
  CHECK(m["pki_hash"].get<std::string>().size() == 64);
  CHECK(m["verify"]["depth"] == 2);
  REQUIRE(m["identities"].size() == f.identities.size());
  for (const auto& entry : m["identities"]) {
    const auto* id = f.find(entry["identity"]);
    REQUIRE(id != nullptr);
    CHECK(entry["fault"] == scenario::to_string(id->fault));
    CHECK(entry["subject"] == id->subject);
    CHECK(entry["serial"] == id->serial);
    CHECK(entry["expected_verify_error"] == id->expected_verify_error);
    CHECK(entry["expected_verify_error_name"] == id->expected_verify_error_name);
    CHECK_FALSE(entry["expected_verify_error_text"].get<std::string>().empty());
    CHECK(entry["key_matches_cert"] == id->key_matches_cert);
    CHECK(entry["files"]["cert"] == ("clients/" + id->name + "/cert.pem"));
  }
  for (const auto& file : m["files"]) {
    INFO(file.dump());
    CHECK(fs::exists(f.dir / file["path"].get<std::string>()));
    if (file.contains("identity")) CHECK(file.contains("expected_verify_error_name"));
  }
}

}  // namespace mtls::pki::test
