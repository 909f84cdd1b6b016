#pragma once
// What a SecureContext shares between its copies and the streams made from it.

#include <asio/ssl/context.hpp>
#include <atomic>
#include <string>
#include <vector>

#include "berth/tls/secure_context.hpp"

namespace berth::tls::detail {

/// The SSL_CTX's remove-session callback (lib/tls/stream.cpp): where a stream reads the
/// error OpenSSL queues for a fatal alert it received.
void on_session_removed(SSL_CTX* context, SSL_SESSION* session);

struct SecureContextState {
  SecureContextState() : context(asio::ssl::context::tls) {}
  asio::ssl::context context;
  bool requestCert = false;
  bool rejectUnauthorized = true;
  std::vector<std::string> alpn;  // names, in preference order
  std::string alpn_wire;          // the same, length-prefixed (ALPN's wire format)
  // OpenSSL's keylog callback is installed on the SSL_CTX by the first stream that
  // wants key log lines (tls::Stream::set_keylog), as Node's enableKeylogCallback.
  std::atomic<bool> keylog_installed{false};
};

}  // namespace berth::tls::detail
