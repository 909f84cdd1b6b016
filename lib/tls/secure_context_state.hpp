#pragma once
// What a SecureContext shares between its copies and the streams made from it.

#include <asio/ssl/context.hpp>
#include <string>
#include <vector>

#include "berth/tls/secure_context.hpp"

namespace berth::tls::detail {

struct SecureContextState {
  SecureContextState() : context(asio::ssl::context::tls) {}
  asio::ssl::context context;
  bool requestCert = false;
  bool rejectUnauthorized = true;
  std::vector<std::string> alpn;  // names, in preference order
  std::string alpn_wire;          // the same, length-prefixed (ALPN's wire format)
};

}  // namespace berth::tls::detail
