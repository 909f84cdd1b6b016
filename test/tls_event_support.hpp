#pragma once
// Helpers for the [tls] event-layer tests (test_tls_socket.cpp, test_tls_server.cpp):
// servers and clients made from the test certificates (tls_support.hpp).

#include <cstdint>
#include <functional>
#include <string>

#include "berth/net.hpp"
#include "berth/tls.hpp"
#include "net_support.hpp"
#include "tls_support.hpp"

namespace berth::test {

inline const TlsCertificates& certs() { return tls_certificates(); }

inline std::string flag(bool b) { return b ? "true" : "false"; }

/// Server options with `pair`'s key and certificate.
inline tls::ServerOptions tls_server_options(const TlsPair& pair) {
  tls::ServerOptions options;
  options.key = pair.key;
  options.cert = pair.cert;
  return options;
}

/// A TLS server on 127.0.0.1, port 0; `then` runs with the port once it listens.
inline tls::ServerPtr tls_serve(tls::ServerOptions options, tls::SecureConnectionListener listener,
                                std::function<void(std::uint16_t)> then) {
  auto server = tls::createServer(std::move(options), std::move(listener));
  server->listen(0, "127.0.0.1", [server, then = std::move(then)] { then(server->address()->port); });
  return server;
}

/// Client options for `port` on "localhost" trusting the test CA.
inline tls::ConnectionOptions tls_client_options(std::uint16_t port, std::string host = "localhost") {
  tls::ConnectionOptions options;
  options.port = port;
  options.host = std::move(host);
  options.ca = {certs().ca.cert};
  return options;
}

/// Records a socket's events into `trace` as "<tag>.<event>" lines; consecutive 'data'
/// events are one line ("<tag>.data <all the text>"), as TLS records may split a write.
inline void trace_events(Trace& trace, const std::string& tag, const net::SocketPtr& s) {
  s->on(net::events::connect, [&trace, tag] { trace(tag + ".connect"); });
  s->on(net::events::ready, [&trace, tag] { trace(tag + ".ready"); });
  s->on(tls::events::secureConnect, [&trace, tag] { trace(tag + ".secureConnect"); });
  s->on(net::events::data, [&trace, tag](BufferView b) {
    std::string prefix = tag + ".data ";
    if (!trace.lines.empty() && trace.lines.back().rfind(prefix, 0) == 0) trace.lines.back() += std::string(b);
    else trace(prefix + std::string(b));
  });
  s->on(net::events::end, [&trace, tag] { trace(tag + ".end"); });
  s->on(net::events::finish, [&trace, tag] { trace(tag + ".finish"); });
  s->on(net::events::timeout, [&trace, tag] { trace(tag + ".timeout"); });
  s->on(berth::events::error, [&trace, tag](const Error& e) { trace(tag + ".error " + e.code); });
  s->on(net::events::close, [&trace, tag](bool had_error) { trace(tag + ".close " + flag(had_error)); });
}

/// The lines of `trace` that start with `tag` + ".".
inline std::vector<std::string> lines_of(const Trace& trace, const std::string& tag) {
  std::vector<std::string> out;
  for (const auto& line : trace.lines)
    if (line.rfind(tag + ".", 0) == 0) out.push_back(line);
  return out;
}

}  // namespace berth::test
