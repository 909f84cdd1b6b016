#pragma once
// OpenSSL's errors in Node's words: the ERR_SSL_* / ERR_OSSL_* codes Node derives from
// OpenSSL's error queue, and the X509 verification codes of authorizationError.

#include <string>
#include <system_error>

#include "berth/error.hpp"

namespace berth::tls::detail {

/// Node's code for a packed OpenSSL error (ERR_get_error()'s value): "ERR_SSL_" +
/// reason for the SSL library, "ERR_OSSL_<LIB>_" + reason for the libraries Node names
/// (PEM, X509, ASN1, EVP, ...), "ERR_OSSL_" + reason for the rest (DECODER, Provider).
std::string openssl_error_code(unsigned long packed);

/// A berth::Error for a packed OpenSSL error: Node's code and OpenSSL's error string
/// ("error:0A00010B:SSL routines::wrong version number").
Error openssl_error(unsigned long packed);

/// The same with Node's message for a TLS connection's error (see QueuedError::line).
Error openssl_error(unsigned long packed, std::string message);

/// The oldest error on this thread's OpenSSL queue, which stays queued: what asio's
/// engine will take (ERR_get_error) as the failed operation's error code, with the detail
/// only the queue holds.
struct QueuedError {
  unsigned long packed = 0;  // 0: the queue is empty
  /// Node's message for a TLS socket's error, OpenSSL's ERR_print_errors line:
  /// "<thread id>:error:<code>:<library>:<function>:<reason>:<file>:<line>:<data>\n"
  /// (data: e.g. "SSL alert number 116" for a received alert).
  std::string line;
};
QueuedError peek_queued_error();

/// The first error on this thread's OpenSSL queue (then clears it), or `fallback_code`
/// with `fallback_message` when the queue is empty.
Error take_openssl_error(const char* fallback_code, const char* fallback_message);

/// Node's name for an X509 verification result: "CERT_HAS_EXPIRED", ...; "UNSPECIFIED"
/// for one Node does not name.
const char* x509_error_code(long verify_result);

/// Node's verifyError: code x509_error_code, message X509_verify_cert_error_string.
Error x509_error(long verify_result);

/// Whether `ec` is an error from asio::ssl's category (an OpenSSL packed error).
bool is_openssl_error(const std::error_code& ec);

}  // namespace berth::tls::detail
