#pragma once
// berth::tls::Server and tls::createServer: Node's tls.Server, a net::Server whose
// connections are TLSSockets.

#include "berth/detail/coroutines.hpp"  // first: stops a build without coroutines, in words
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "berth/net/server.hpp"
#include "berth/tls/secure_context.hpp"
#include "berth/tls/socket.hpp"

namespace berth::tls {

/// `tls.createServer(options)`'s options: net's (net::ServerOptions: allowHalfOpen,
/// pauseOnConnect, noDelay, ...), a context's (SecureContextOptions: key, cert, ca,
/// requestCert, rejectUnauthorized, ALPNProtocols, ...; or a ready `secureContext`), and
/// the server's own.
struct ServerOptions : net::ServerOptions, SecureContextOptions {
  /// Use this context instead of building one from the SecureContextOptions fields.
  std::optional<SecureContext> secureContext{};
  /// Node's handshakeTimeout, milliseconds (default 120000): a connection whose handshake
  /// has not finished by then gets 'tlsClientError' ERR_TLS_HANDSHAKE_TIMEOUT ("TLS
  /// handshake timeout") and is left to that listener to destroy, as Node; with no
  /// listener it is destroyed. 0 disables it.
  std::chrono::milliseconds handshakeTimeout{120000};
  /// Node's SNICallback(servername, cb): chooses the context (certificate, key, chain,
  /// CAs) per name the client sends in its SNI extension; `cb` may be called later (the
  /// handshake waits). Not called when the client sent no name. An error given to `cb`
  /// (or thrown) fails the handshake as in Node: the connection is closed without an
  /// alert, the server emits 'tlsClientError' with that error, and the client sees 'end'
  /// then ECONNRESET. See tls::SNICallbackFunction.
  SNICallbackFunction SNICallback{};
};

/// The 'secureConnection' listener createServer takes.
using SecureConnectionListener = std::function<void(const TLSSocketPtr&)>;

/// Node's tls.Server: every net::Server behaviour (listen forms, close, maxConnections,
/// getConnections, 'listening', 'connection', 'close', 'error', 'drop'), with TLSSockets
/// for connections and the events 'secureConnection' and 'tlsClientError'
/// (tls::events). 'connection' gets the TLSSocket before its handshake (Node's gets the
/// raw net.Socket underneath), and 'keylog' (events::serverKeylog: line, socket) for the
/// connections accepted while it has a listener. A failed handshake emits
/// 'tlsClientError' (the X509 code
/// for a refused client certificate, ERR_SSL_* for a protocol failure such as
/// ERR_SSL_HTTP_REQUEST, ECONNRESET "socket hang up" when the client leaves) and
/// destroys the socket without an 'error' event.
class Server : public net::Server {
  struct TlsTag {};

 public:
  /// `tls.createServer(options[, secureConnectionListener])` on the thread's loop (or the
  /// given one). Throws what SecureContext throws for bad options.
  static std::shared_ptr<Server> create(ServerOptions options, SecureConnectionListener listener = {},
                                        Loop& loop = Loop::current());
  Server(TlsTag, Loop& loop, ServerOptions options, SecureContext context);

  /// The context every connection shares.
  const SecureContext& secureContext() const noexcept { return context_; }
  /// The handshake timeout (0: none).
  std::chrono::milliseconds handshakeTimeout() const noexcept { return handshake_timeout_; }
  /// The SNICallback option (empty when none).
  const SNICallbackFunction& SNICallback() const noexcept { return sni_callback_; }

  /// Node's server.addContext(hostname, context): a connection whose client asks (SNI) for
  /// a name matching `hostname` gets `context` (its certificate, key, chain and CAs)
  /// instead of the server's. `*` stands for any run of characters within one label
  /// ("*.example" matches "a.example", not "a.b.example" nor "example"); names compare
  /// case-sensitively, and of several matches the one added last wins, as in Node. Applies
  /// to connections accepted from now on. An SNICallback option, when set, decides instead
  /// (Node's default SNICallback is what consults these). Throws
  /// ERR_TLS_REQUIRED_SERVER_NAME for an empty `hostname`; the options form throws what
  /// SecureContext throws.
  void addContext(std::string_view hostname, SecureContext context);
  void addContext(std::string_view hostname, const SecureContextOptions& options);

  /// Node's server.setSecureContext(options): the server's own context for connections
  /// accepted from now on (open ones keep theirs; addContext's stay). Throws what
  /// SecureContext throws, leaving the server's context as it was.
  void setSecureContext(const SecureContextOptions& options);

  /// What a new connection's handshake asks for its context by name: the SNICallback
  /// option, else Node's default callback over addContext's contexts, else nothing.
  SNICallbackFunction connectionSNICallback() const;

 protected:
  net::SocketPtr make_socket(berth::Stream stream, const net::SocketOptions& options) override;

 private:
  SecureContext context_;
  std::chrono::milliseconds handshake_timeout_;
  SNICallbackFunction sni_callback_;
  // addContext's (hostname pattern, context), oldest first; shared with the callbacks of
  // handshakes under way, replaced (never changed) by addContext.
  using NamedContexts = std::vector<std::pair<std::string, SecureContext>>;
  std::shared_ptr<const NamedContexts> named_contexts_;
};

using ServerPtr = std::shared_ptr<Server>;

/// `tls.createServer(options[, secureConnectionListener])`.
ServerPtr createServer(ServerOptions options, SecureConnectionListener listener = {});

}  // namespace berth::tls
