#include "berth/tls/secure_context.hpp"

#include <cstdlib>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <memory>

#include "openssl_error.hpp"
#include "secure_context_state.hpp"

namespace berth::tls {
namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

BioPtr memory_bio(const std::string& text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

// Node's PasswordCallback: the passphrase, an empty one when none was given (so an
// encrypted key without a passphrase is "bad decrypt", as in Node, never a prompt).
int password_callback(char* buf, int size, int, void* user) {
  auto* passphrase = static_cast<const std::string*>(user);
  if (!passphrase || passphrase->size() > static_cast<std::size_t>(size)) return -1;
  passphrase->copy(buf, passphrase->size());
  return static_cast<int>(passphrase->size());
}

// "TLSv1.2" -> TLS1_2_VERSION; 0 for a name Node does not accept.
int protocol_version(const std::string& name) {
  if (name == "TLSv1.3") return TLS1_3_VERSION;
  if (name == "TLSv1.2") return TLS1_2_VERSION;
  if (name == "TLSv1.1") return TLS1_1_VERSION;
  if (name == "TLSv1") return TLS1_VERSION;
  return 0;
}

Error invalid_version(const std::string& name, const char* which) {
  return Error("ERR_TLS_INVALID_PROTOCOL_VERSION", "\"" + name + "\" is not a valid " + which + " TLS protocol version",
               ErrorKind::TypeError);
}

// Node's ALPN selection on a server: the first of the server's protocols the client
// offers; no overlap is a fatal alert (no_application_protocol).
int select_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in, unsigned int inlen,
                void* arg) {
  auto* state = static_cast<detail::SecureContextState*>(arg);
  const auto* server = reinterpret_cast<const unsigned char*>(state->alpn_wire.data());
  unsigned char* selected = nullptr;
  int status = SSL_select_next_proto(&selected, outlen, server, static_cast<unsigned int>(state->alpn_wire.size()),
                                     in, inlen);
  if (status != OPENSSL_NPN_NEGOTIATED) return SSL_TLSEXT_ERR_ALERT_FATAL;
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

// The system's trusted CAs, loaded once per process and shared by every context made
// without `ca`, as Node keeps one root store. From the bundle file (SSL_CERT_FILE, else
// OpenSSL's default): SSL_CTX_set_default_verify_paths would also add the hashed
// directory lookup, which lists /etc/ssl/certs each time a chain is built — on every
// handshake of a server whose certificate comes without its chain — and parse the bundle
// again for every context. The directory is the fallback where there is no bundle.
X509_STORE* system_root_store() {
  static X509_STORE* const store = [] {
    X509_STORE* roots = X509_STORE_new();
    const char* file = std::getenv(X509_get_default_cert_file_env());
    if (!file || !*file) file = X509_get_default_cert_file();
    if (X509_STORE_load_file(roots, file) != 1) X509_STORE_set_default_paths(roots);
    ERR_clear_error();
    return roots;
  }();
  return store;
}

void configure(detail::SecureContextState& state, const SecureContextOptions& options, Error& error) {
  SSL_CTX* ctx = state.context.native_handle();
  ERR_clear_error();

  // Versions first: Node checks them before touching OpenSSL.
  std::string min_name = options.minVersion.value_or(DEFAULT_MIN_VERSION);
  std::string max_name = options.maxVersion.value_or(DEFAULT_MAX_VERSION);
  int min_version = protocol_version(min_name);
  if (!min_version) {
    error = invalid_version(min_name, "minimum");
    return;
  }
  int max_version = protocol_version(max_name);
  if (!max_version) {
    error = invalid_version(max_name, "maximum");
    return;
  }
  SSL_CTX_set_min_proto_version(ctx, min_version);
  SSL_CTX_set_max_proto_version(ctx, max_version);

  // ca: every certificate each string holds; text that holds none is ignored, as in Node.
  if (options.ca.empty()) {
    SSL_CTX_set1_cert_store(ctx, system_root_store());
  } else {
    X509_STORE* store = SSL_CTX_get_cert_store(ctx);
    for (const std::string& text : options.ca) {
      BioPtr bio = memory_bio(text);
      while (X509Ptr cert{PEM_read_bio_X509_AUX(bio.get(), nullptr, nullptr, nullptr)}) {
        X509_STORE_add_cert(store, cert.get());
        SSL_CTX_add_client_CA(ctx, cert.get());  // the names a server's CertificateRequest lists
      }
    }
    ERR_clear_error();
  }

  // cert: the leaf, then the rest of the chain.
  if (options.cert) {
    BioPtr bio = memory_bio(*options.cert);
    X509Ptr leaf{PEM_read_bio_X509_AUX(bio.get(), nullptr, nullptr, nullptr)};
    if (!leaf || SSL_CTX_use_certificate(ctx, leaf.get()) != 1) {
      error = detail::take_openssl_error("ERR_CRYPTO_OPERATION_FAILED", "SSL_CTX_use_certificate_chain");
      return;
    }
    SSL_CTX_clear_chain_certs(ctx);
    while (X509* extra = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
      SSL_CTX_add0_chain_cert(ctx, extra);  // takes ownership
    }
    ERR_clear_error();  // the end of the text reads as "no start line"
  }

  // key, decrypted with the passphrase.
  if (options.key) {
    BioPtr bio = memory_bio(*options.key);
    std::string passphrase = options.passphrase.value_or("");
    std::unique_ptr<EVP_PKEY, PkeyFree> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, password_callback, &passphrase));
    if (!key || SSL_CTX_use_PrivateKey(ctx, key.get()) != 1) {
      error = detail::take_openssl_error("ERR_CRYPTO_OPERATION_FAILED", "PEM_read_bio_PrivateKey");
      return;
    }
  }

  // ciphers, split as Node does: "TLS_*" are TLS 1.3 suites, the rest the TLS 1.2 list.
  std::string ciphers = options.ciphers.value_or(DEFAULT_CIPHERS);
  std::string list, suites;
  for (std::size_t start = 0; start <= ciphers.size();) {
    std::size_t end = ciphers.find(':', start);
    if (end == std::string::npos) end = ciphers.size();
    std::string name = ciphers.substr(start, end - start);
    if (!name.empty()) {
      std::string& into = name.rfind("TLS_", 0) == 0 ? suites : list;
      if (!into.empty()) into += ':';
      into += name;
    }
    start = end + 1;
  }
  if (list.empty() && suites.empty()) {
    error = Error("ERR_INVALID_ARG_VALUE", "The property 'options.ciphers' is invalid. Received '" + ciphers + "'",
                  ErrorKind::TypeError);
    return;
  }
  if (!suites.empty() && SSL_CTX_set_ciphersuites(ctx, suites.c_str()) != 1) {
    error = detail::take_openssl_error("ERR_CRYPTO_OPERATION_FAILED", "Failed to set ciphers");
    return;
  }
  if (SSL_CTX_set_cipher_list(ctx, list.c_str()) != 1) {
    unsigned long packed = ERR_peek_error();
    // An empty TLS 1.2 list beside TLS 1.3 suites is meant, as in Node.
    if (!(list.empty() && ERR_GET_REASON(packed) == SSL_R_NO_CIPHER_MATCH)) {
      error = detail::take_openssl_error("ERR_CRYPTO_OPERATION_FAILED", "Failed to set ciphers");
      return;
    }
    ERR_clear_error();
  }

  // ALPN: offered by clients, chosen by servers.
  state.alpn = options.ALPNProtocols;
  for (const std::string& name : options.ALPNProtocols) {
    if (name.empty() || name.size() > 255) {
      error = Error("ERR_OUT_OF_RANGE", "The byte length of the protocol at index 0 exceeds the maximum length.",
                    ErrorKind::RangeError);
      return;
    }
    state.alpn_wire += static_cast<char>(name.size());
    state.alpn_wire += name;
  }
  if (!state.alpn_wire.empty()) {
    SSL_CTX_set_alpn_protos(ctx, reinterpret_cast<const unsigned char*>(state.alpn_wire.data()),
                            static_cast<unsigned int>(state.alpn_wire.size()));
    SSL_CTX_set_alpn_select_cb(ctx, select_alpn, &state);
  }

  // A server resumes only sessions of its own context; with client certificates
  // OpenSSL requires the context to be named.
  static const unsigned char session_id_context[] = "berth";
  SSL_CTX_set_session_id_context(ctx, session_id_context, sizeof session_id_context - 1);
  // Sessions (the tickets of TLS 1.3 included) are the connection's: getSession() reads
  // the SSL's own, and a server resumes from tickets. OpenSSL's internal cache would keep
  // every client session of a shared context (two tickets a TLS 1.3 handshake, about 9 KB,
  // up to 20 480 sessions) until they expire: Node's mode, which stores nothing there.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_INTERNAL |
                                          SSL_SESS_CACHE_NO_AUTO_CLEAR);
  SSL_CTX_sess_set_remove_cb(ctx, detail::on_session_removed);

  state.requestCert = options.requestCert;
  state.rejectUnauthorized = options.rejectUnauthorized;
}

}  // namespace

SecureContext::SecureContext(const SecureContextOptions& options) {
  Error error;
  auto state = std::make_shared<detail::SecureContextState>();
  configure(*state, options, error);
  if (error) throw error;
  state_ = std::move(state);
}

SecureContext::SecureContext(const SecureContextOptions& options, Error& error) {
  error = Error{};
  auto state = std::make_shared<detail::SecureContextState>();
  configure(*state, options, error);
  if (!error) state_ = std::move(state);
}

bool SecureContext::requestCert() const noexcept { return state_ && state_->requestCert; }
bool SecureContext::rejectUnauthorized() const noexcept { return !state_ || state_->rejectUnauthorized; }
const std::vector<std::string>& SecureContext::ALPNProtocols() const noexcept {
  static const std::vector<std::string> none;
  return state_ ? state_->alpn : none;
}
asio::ssl::context& SecureContext::native() const noexcept { return state_->context; }

}  // namespace berth::tls
