#pragma once
// berth::tls::SecureContext: Node's tls.createSecureContext(options), a TLS
// configuration (keys, certificates, trusted CAs, versions, ciphers, ALPN) that many
// connections share.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "berth/error.hpp"

namespace asio::ssl {
class context;
}

namespace berth::tls {

/// Node's tls.DEFAULT_CIPHERS (v20): the cipher list used when `ciphers` is absent.
inline constexpr const char* DEFAULT_CIPHERS =
    "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:"
    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA256:"
    "DHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:DHE-RSA-AES256-SHA384:ECDHE-RSA-AES256-SHA256:"
    "DHE-RSA-AES256-SHA256:HIGH:!aNULL:!eNULL:!EXPORT:!DES:!RC4:!MD5:!PSK:!SRP:!CAMELLIA";
/// Node's tls.DEFAULT_MIN_VERSION and DEFAULT_MAX_VERSION (v20).
inline constexpr const char* DEFAULT_MIN_VERSION = "TLSv1.2";
inline constexpr const char* DEFAULT_MAX_VERSION = "TLSv1.3";

/// The options of Node's tls.createSecureContext, with Node's names, plus the
/// verification switches Node takes on tls.connect / tls.createServer (`requestCert`,
/// `rejectUnauthorized`), which berth keeps with the context. Keys and certificates are
/// PEM text; a std::string holds the bytes of a PEM file read as is.
struct SecureContextOptions {
  /// The private key, PEM (PKCS#8, or a traditional RSA/EC key), possibly encrypted.
  std::optional<std::string> key{};
  /// The certificate chain, PEM: the leaf first, then intermediates (all are sent).
  std::optional<std::string> cert{};
  /// Trusted CA certificates, PEM; each string may hold several. Empty: the system's
  /// default trust store (Node uses its bundled root store there).
  std::vector<std::string> ca{};
  /// Decrypts an encrypted `key`.
  std::optional<std::string> passphrase{};
  /// OpenSSL cipher list; names starting "TLS_" set the TLS 1.3 suites, the rest the
  /// TLS 1.2 list, as Node splits them. Empty: DEFAULT_CIPHERS.
  std::optional<std::string> ciphers{};
  /// "TLSv1", "TLSv1.1", "TLSv1.2" or "TLSv1.3"; empty: DEFAULT_MIN_VERSION / DEFAULT_MAX_VERSION.
  std::optional<std::string> minVersion{};
  std::optional<std::string> maxVersion{};
  /// ALPN protocol names in preference order ("h2", "http/1.1"): a client offers them,
  /// a server picks the first of its own that the client offers (and refuses the
  /// handshake with an alert when none matches, as Node does).
  std::vector<std::string> ALPNProtocols{};
  /// Server: ask the client for a certificate.
  bool requestCert = false;
  /// Client: fail the handshake when the server's certificate does not verify or does
  /// not match the host. Server with requestCert: fail when the client's does not.
  bool rejectUnauthorized = true;
};

namespace detail {
struct SecureContextState;
}

/// A TLS configuration shared by many streams (a cheap handle: copies share one
/// OpenSSL SSL_CTX), immutable once created. Serves both the client and the server side.
class SecureContext {
 public:
  /// Builds the context (Node's tls.createSecureContext). Throws berth::Error with
  /// Node's codes: ERR_TLS_INVALID_PROTOCOL_VERSION (TypeError) for a bad min/maxVersion;
  /// OpenSSL's failures as Node names them, e.g. ERR_OSSL_UNSUPPORTED (a key that is not
  /// PEM), ERR_OSSL_PEM_NO_START_LINE (a cert that is not PEM), ERR_OSSL_BAD_DECRYPT (a
  /// missing or wrong passphrase), ERR_OSSL_X509_KEY_VALUES_MISMATCH (key and cert do not
  /// match), ERR_SSL_NO_CIPHER_MATCH (ciphers), with OpenSSL's message
  /// ("error:1E08010C:DECODER routines::unsupported").
  explicit SecureContext(const SecureContextOptions& options);
  SecureContext(const SecureContextOptions& options, Error& error);

  /// The options it was made from (the key and passphrase are not kept).
  bool requestCert() const noexcept;
  bool rejectUnauthorized() const noexcept;
  const std::vector<std::string>& ALPNProtocols() const noexcept;

  /// The Asio context underneath (for asio::ssl users; do not change it once in use).
  asio::ssl::context& native() const noexcept;

  /// Whether this handle holds a context (false only after a failed construction with
  /// the Error& form).
  explicit operator bool() const noexcept { return state_ != nullptr; }

  /// For berth's own use (tls::Stream).
  const std::shared_ptr<detail::SecureContextState>& state() const noexcept { return state_; }

 private:
  std::shared_ptr<detail::SecureContextState> state_;
};

/// Node's tls.createSecureContext(options): SecureContext(options).
inline SecureContext createSecureContext(const SecureContextOptions& options) { return SecureContext(options); }

}  // namespace berth::tls
