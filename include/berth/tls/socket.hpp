#pragma once
// berth::tls::TLSSocket and tls::connect: Node's tls.TLSSocket (a net.Socket with a TLS
// handshake) and tls.connect(options[, callback]), the event layer over tls::Stream.

#include "berth/detail/coroutines.hpp"  // first: stops a build without coroutines, in words
#include <asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "berth/buffer.hpp"
#include "berth/error.hpp"
#include "berth/event_emitter.hpp"
#include "berth/net/socket.hpp"
#include "berth/tls/peer_certificate.hpp"
#include "berth/tls/secure_context.hpp"
#include "berth/tls/stream.hpp"

namespace berth::tls {

class TLSSocket;
class Server;
/// A shared handle to a TLSSocket (it is a net::Socket: a net::SocketPtr converts).
using TLSSocketPtr = std::shared_ptr<TLSSocket>;

/// TLS events, beside net::events (a TLSSocket emits all of those too).
namespace events {
/// Client: the handshake finished (and the server verified, or rejectUnauthorized is
/// false). After 'connect' and 'ready'; tls::connect's callback is a once-listener.
inline constexpr Event<void()> secureConnect{"secureConnect"};
/// Client: a session to resume later (Node's 'session'; the DER getSession() returns).
/// berth emits it once, after the first read that made the session resumable (in TLS
/// 1.3 the server's tickets come after the handshake); Node emits one per ticket.
inline constexpr Event<void(BufferView)> session{"session"};
/// tls::Server: a connection finished its handshake.
inline constexpr Event<void(TLSSocketPtr)> secureConnection{"secureConnection"};
/// tls::Server: a connection failed before its handshake finished (the error, the socket).
inline constexpr Event<void(const Error&, TLSSocketPtr)> tlsClientError{"tlsClientError"};
using net::events::close;
using net::events::connect;
using net::events::data;
using net::events::drain;
using net::events::end;
using net::events::finish;
using net::events::ready;
using net::events::timeout;
using berth::events::error;
}  // namespace events

/// `tls.connect(options[, callback])`'s options (Node's tls.ConnectionOptions): everything
/// of net's connect (net::ConnectOptions: port, host, path, timeout, allowHalfOpen, ...),
/// a context's (SecureContextOptions: ca, key, cert, ALPNProtocols, minVersion, ...; or a
/// ready `secureContext`), and the connection's own.
struct ConnectionOptions : net::ConnectOptions, SecureContextOptions {
  /// Use this context instead of building one from the SecureContextOptions fields.
  std::optional<SecureContext> secureContext{};
  /// SNI, and the name the certificate is checked against (default: `host`). Node sends
  /// no SNI unless it is given.
  std::optional<std::string> servername{};
  /// A session from an earlier socket's getSession() or 'session' event, to resume.
  std::optional<Buffer> session{};
  /// Replaces tls::checkServerIdentity (an Error with a code rejects the server).
  std::function<Error(std::string_view hostname, const PeerCertificate& cert)> checkServerIdentity{};
};

/// Node's tls.TLSSocket: a net::Socket whose bytes go through TLS. Everything of
/// net::Socket works as on a plain one (events, write/end/destroy, backpressure,
/// setTimeout, allowHalfOpen, pause/resume, pipe, bytesRead/bytesWritten counting the
/// cleartext); writes and end() made before the handshake ends wait for it. end() sends
/// close_notify, then the FIN, as Node's. Made by tls::connect and tls::Server.
class TLSSocket : public net::Socket, private berth::detail::Transport {
  struct PrivateTag {};

 public:
  TLSSocket(PrivateTag, Loop& loop, net::SocketOptions options, SecureContext context, Role role,
            HandshakeOptions handshake);
  ~TLSSocket();

  /// `tlsSocket.encrypted`: always true.
  bool encrypted() const noexcept { return true; }
  /// `tlsSocket.authorized`: the peer's certificate verified (a client: and its name).
  bool authorized() const noexcept;
  /// `tlsSocket.authorizationError`: why not ("DEPTH_ZERO_SELF_SIGNED_CERT", ...); empty
  /// when authorized (Node: null).
  std::string authorizationError() const;
  /// `tlsSocket.alpnProtocol`: the protocol agreed on, empty when none (Node: false).
  std::string alpnProtocol() const;
  /// `tlsSocket.servername`: a client's SNI sent, or the one a server received; empty
  /// when none (Node: false).
  std::string servername() const;
  /// `getPeerCertificate()`: the peer's certificate, empty when none or before the handshake.
  PeerCertificate getPeerCertificate() const;
  /// `getCertificate()`: this side's own certificate, or empty.
  PeerCertificate getCertificate() const;
  /// `getProtocol()`: "TLSv1.3", "TLSv1.2". As Node's (OpenSSL's SSL_get_version()):
  /// before the handshake the highest version OpenSSL may use ("TLSv1.3"), during it what
  /// has been negotiated so far; empty once destroyed (Node: null).
  std::string getProtocol() const;
  /// `getCipher()`.
  Cipher getCipher() const;
  /// `getSession()`: the session, DER, for ConnectionOptions::session; empty when none.
  Buffer getSession() const;
  /// `isSessionReused()`.
  bool isSessionReused() const noexcept;
  /// Whether the handshake has finished (secureConnect / secureConnection emitted).
  bool secureEstablished() const noexcept { return ready(); }

  /// The TLS stream underneath (nullptr before the TCP connection exists), e.g. for
  /// native_handle().
  Stream* tls_stream() noexcept { return tls_ ? &*tls_ : nullptr; }

  /// For tls::connect: a client socket, not yet connected.
  static TLSSocketPtr create_client(net::SocketOptions options, SecureContext context, HandshakeOptions handshake,
                                    Loop& loop = Loop::current());
  /// For tls::Server: wraps an accepted stream and starts the server handshake.
  static TLSSocketPtr accept(berth::Stream stream, std::shared_ptr<Server> server, const net::SocketOptions& options,
                             SecureContext context, std::chrono::milliseconds handshakeTimeout, Loop& loop);

 private:
  // net::detail::Transport
  void transport_connected() override;
  void transport_arm_read() override;
  asio::awaitable<std::size_t> transport_write(asio::const_buffer buffer, Error& error) override;
  void transport_shutdown() override;

  std::shared_ptr<TLSSocket> self() { return std::static_pointer_cast<TLSSocket>(shared_from_this()); }
  asio::awaitable<void> run_handshake(std::shared_ptr<TLSSocket> self);
  asio::awaitable<void> read_loop(std::shared_ptr<TLSSocket> self, std::uint64_t generation);
  asio::awaitable<void> run_shutdown(std::shared_ptr<TLSSocket> self);
  void handshake_failed(Error error);
  void on_handshake_timeout();
  void maybe_emit_session();
  Server* tls_server() const noexcept;

  SecureContext context_;
  Role role_;
  HandshakeOptions handshake_;
  std::optional<Stream> tls_;  // over net::Socket's stream_, borrowed (tls::borrow)
  std::vector<std::uint8_t> read_buffer_;  // one TLS record's worth, taken at the first read
  std::optional<asio::steady_timer> handshake_timer_;
  bool session_emitted_ = false;
};

/// `tls.connect(options[, callback])`: connects (as net::connect, with its events and
/// errors) and runs the client handshake; `callback` is a once 'secureConnect' listener.
/// Throws what SecureContext throws for bad context options, and what net's connect
/// throws synchronously. Handshake failures destroy the socket with Node's error as
/// 'error' (then 'close' with hadError true): DEPTH_ZERO_SELF_SIGNED_CERT,
/// CERT_HAS_EXPIRED, UNABLE_TO_VERIFY_LEAF_SIGNATURE, ERR_TLS_CERT_ALTNAME_INVALID (see
/// tls::Stream::handshake), ERR_SSL_* for protocol failures, and ECONNRESET "Client
/// network socket disconnected before secure TLS connection was established" after an
/// 'end' when the server closes first. `options.socket` (wrapping a connected
/// net::Socket) is not supported.
TLSSocketPtr connect(ConnectionOptions options, std::function<void()> callback = {});
/// `tls.connect(port[, host][, options][, callback])`.
TLSSocketPtr connect(PortValue port, std::string host, ConnectionOptions options, std::function<void()> callback = {});

}  // namespace berth::tls
