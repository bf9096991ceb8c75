#include "probe/probe.hpp"

#include <algorithm>
#include <cctype>
#include <curl/curl.h>
#include <memory>
#include <mutex>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdexcept>

#include "common/tls_alerts.hpp"

namespace mtls::probe {
namespace {

// Everything the callbacks write into, for one transfer.
struct Capture {
  const Request* request = nullptr;
  Outcome* outcome = nullptr;
  std::string setup_error;  // client credentials could not be loaded
};

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Records alerts as they cross the wire. SSL_is_init_finished tells whether the client had
// already finished its handshake: TLS 1.3 refusals of a client certificate arrive after it.
void on_tls_message(int write_p, int /*version*/, int content_type, const void* buf, size_t len,
                    SSL* ssl, void* arg) {
  auto* cap = static_cast<Capture*>(arg);
  if (write_p == 1) cap->outcome->tls_started = true;
  // The first record header from the server, kept raw: when it is no TLS record at all
  // (plain HTTP, garbage), these bytes say what the server speaks instead.
  if (content_type == SSL3_RT_HEADER && write_p == 0 && cap->outcome->first_record_header.empty()) {
    cap->outcome->first_record_header.assign(static_cast<const char*>(buf), len);
    return;
  }
  if (content_type != SSL3_RT_ALERT || len < 2) return;
  const auto* bytes = static_cast<const unsigned char*>(buf);
  TlsAlert a;
  a.fatal = bytes[0] == SSL3_AL_FATAL;
  a.code = bytes[1];
  a.name = common::alert_name(a.code);
  a.from_server = write_p == 0;
  a.during_handshake = !SSL_is_init_finished(ssl);
  cap->outcome->alerts.push_back(std::move(a));
}

// Our own ex_data slot on the SSL_CTX: libcurl owns the SSL objects and their slots.
int capture_index() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

void on_tls_info(const SSL* ssl, int where, int /*ret*/) {
  if (!(where & SSL_CB_HANDSHAKE_DONE)) return;
  auto* cap = static_cast<Capture*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), capture_index()));
  if (!cap) return;
  cap->outcome->handshake_done = true;
  cap->outcome->tls_version = SSL_get_version(ssl);
  if (const SSL_CIPHER* c = SSL_get_current_cipher(ssl)) cap->outcome->cipher = SSL_CIPHER_get_name(c);
  cap->outcome->session_reused = SSL_session_reused(ssl) == 1;
}

// Runs when the server's CertificateRequest arrives, before the client picks what to send:
// the moment its list of acceptable client CA names is known (both TLS versions).
int on_certificate_request(SSL* ssl, void* arg) {
  auto* cap = static_cast<Capture*>(arg);
  cap->outcome->certificate_requested = true;
  cap->outcome->acceptable_ca_names.clear();
  if (const STACK_OF(X509_NAME)* names = SSL_get_client_CA_list(ssl)) {
    for (int i = 0; i < sk_X509_NAME_num(names); ++i) {
      BIO* bio = BIO_new(BIO_s_mem());
      if (!bio) break;
      X509_NAME_print_ex(bio, sk_X509_NAME_value(names, i), 0,
                         XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);  // as pki::rfc2253
      char* data = nullptr;
      const long len = BIO_get_mem_data(bio, &data);
      cap->outcome->acceptable_ca_names.emplace_back(data, static_cast<std::size_t>(len));
      BIO_free(bio);
    }
  }
  return 1;
}

int tls_version_number(scenario::TlsVersion v) {
  return v == scenario::TlsVersion::tls1_2 ? TLS1_2_VERSION : TLS1_3_VERSION;
}

// libcurl hands us its SSL_CTX before the handshake: pin the version, load the client
// identity ourselves (so faulty ones can be presented), and hook the alert recorder.
CURLcode on_ssl_ctx(CURL*, void* ssl_ctx, void* arg) {
  auto* cap = static_cast<Capture*>(arg);
  auto* ctx = static_cast<SSL_CTX*>(ssl_ctx);
  const int v = tls_version_number(cap->request->version);
  SSL_CTX_set_min_proto_version(ctx, v);
  SSL_CTX_set_max_proto_version(ctx, v);
  SSL_CTX_set_msg_callback(ctx, on_tls_message);
  SSL_CTX_set_msg_callback_arg(ctx, cap);
  SSL_CTX_set_ex_data(ctx, capture_index(), cap);
  SSL_CTX_set_info_callback(ctx, on_tls_info);
  SSL_CTX_set_cert_cb(ctx, on_certificate_request, cap);
  if (cap->request->client) {
    try {
      tlsclient::use_credentials(ctx, *cap->request->client);
    } catch (const std::exception& e) {
      cap->setup_error = e.what();
      return CURLE_SSL_CERTPROBLEM;
    }
  }
  return CURLE_OK;
}

size_t on_body(char* data, size_t size, size_t n, void* arg) {
  auto* cap = static_cast<Capture*>(arg);
  auto& body = cap->outcome->body;
  const size_t len = size * n;
  cap->outcome->body_bytes += len;
  if (cap->outcome->body_bytes > cap->request->body_read_limit) {
    cap->outcome->body_limit_exceeded = true;
    return 0;  // libcurl aborts the transfer (CURLE_WRITE_ERROR)
  }
  const size_t room = cap->request->body_limit > body.size() ? cap->request->body_limit - body.size() : 0;
  body.append(data, std::min(len, room));
  return len;
}

size_t on_header(char* data, size_t size, size_t n, void* arg) {
  auto* cap = static_cast<Capture*>(arg);
  cap->outcome->header_bytes += size * n;
  if (cap->outcome->header_bytes > cap->request->header_limit) {
    cap->outcome->header_limit_exceeded = true;
    return 0;  // libcurl aborts the transfer (CURLE_WRITE_ERROR)
  }
  std::string line(data, size * n);
  auto colon = line.find(':');
  if (colon == std::string::npos) return size * n;
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  if (name.rfind("x-client-", 0) == 0 || name == "x-session-reused" || name == "content-type") {
    std::string value = line.substr(colon + 1);
    auto first = value.find_first_not_of(" \t");
    auto last = value.find_last_not_of(" \t\r\n");
    cap->outcome->headers[name] =
        first == std::string::npos ? std::string() : value.substr(first, last - first + 1);
  }
  return size * n;
}

double ms(CURL* h, CURLINFO what) {
  curl_off_t us = 0;
  curl_easy_getinfo(h, what, &us);
  return static_cast<double>(us) / 1000.0;
}

// libcurl's connect timeout covers the TLS handshake too, and leaves the connect time at 0
// when it fires there: a ClientHello on the wire is what proves TCP was connected.
TcpResult classify_tcp(CURLcode code, bool connected) {
  switch (code) {
    case CURLE_COULDNT_CONNECT: return TcpResult::refused;
    case CURLE_COULDNT_RESOLVE_HOST: return TcpResult::unreachable;
    case CURLE_OPERATION_TIMEDOUT: return connected ? TcpResult::connected : TcpResult::timeout;
    default: return TcpResult::connected;
  }
}

struct CurlDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

Outcome run(const Request& r) {
  global_init();
  Outcome out;
  out.timeout_ms = r.timeout_ms;
  out.header_limit = r.header_limit;
  out.body_read_limit = r.body_read_limit;
  Capture cap{&r, &out, {}};
  std::unique_ptr<CURL, CurlDeleter> h(curl_easy_init());
  if (!h) throw std::runtime_error("curl_easy_init failed");
  char errbuf[CURL_ERROR_SIZE] = {0};

  // Keep the URL's host name for SNI and the server-certificate check, but connect to the
  // address given (the target's listening address).
  std::unique_ptr<curl_slist, SlistDeleter> connect_to;
  if (!r.connect_host.empty()) {
    std::string host = r.connect_host.find(':') != std::string::npos ? "[" + r.connect_host + "]"
                                                                       : r.connect_host;
    std::string entry = "::" + host + ":" + std::to_string(r.connect_port);
    connect_to.reset(curl_slist_append(nullptr, entry.c_str()));
  }

  CURL* c = h.get();
  curl_easy_setopt(c, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, r.timeout_ms);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, r.timeout_ms);
  curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_SESSIONID_CACHE, 0L);  // every probe is a full handshake
  curl_easy_setopt(c, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(c, CURLOPT_SSLVERSION,
                   r.version == scenario::TlsVersion::tls1_2
                       ? static_cast<long>(CURL_SSLVERSION_TLSv1_2) | CURL_SSLVERSION_MAX_TLSv1_2
                       : static_cast<long>(CURL_SSLVERSION_TLSv1_3) | CURL_SSLVERSION_MAX_TLSv1_3);
  if (!r.trust.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, r.trust.c_str());
  if (!r.verify_server) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!r.cipher_list.empty()) curl_easy_setopt(c, CURLOPT_SSL_CIPHER_LIST, r.cipher_list.c_str());
  if (!r.tls13_ciphersuites.empty())
    curl_easy_setopt(c, CURLOPT_TLS13_CIPHERS, r.tls13_ciphersuites.c_str());
  curl_easy_setopt(c, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
  curl_easy_setopt(c, CURLOPT_SSL_CTX_DATA, &cap);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &cap);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &cap);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "mtls-harness/" MTLS_HARNESS_VERSION);
  if (connect_to) curl_easy_setopt(c, CURLOPT_CONNECT_TO, connect_to.get());
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  for (const auto& hdr : r.headers) headers.reset(curl_slist_append(headers.release(), hdr.c_str()));
  if (headers) curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());

  CURLcode code = curl_easy_perform(c);
  out.curl_code = static_cast<int>(code);
  if (!cap.setup_error.empty()) {
    out.curl_error = cap.setup_error;
  } else if (code != CURLE_OK) {
    out.curl_error = errbuf[0] ? errbuf : curl_easy_strerror(code);
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  out.http_status = static_cast<int>(status);
  out.connect_ms = ms(c, CURLINFO_CONNECT_TIME_T);
  out.handshake_ms = ms(c, CURLINFO_APPCONNECT_TIME_T);
  out.first_byte_ms = ms(c, CURLINFO_STARTTRANSFER_TIME_T);
  out.total_ms = ms(c, CURLINFO_TOTAL_TIME_T);
  out.tcp = classify_tcp(code, out.connect_ms > 0 || out.tls_started);
  if (!cap.setup_error.empty()) out.tcp = TcpResult::not_attempted;
  return out;
}

std::string curl_version() { return ::curl_version(); }

}  // namespace mtls::probe
