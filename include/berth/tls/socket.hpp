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
/// TLSSocket: Node's 'keylog' (line): one line of key material in the NSS key log format,
/// '\n' included, e.g. "CLIENT_HANDSHAKE_TRAFFIC_SECRET <64 hex> <96 hex>\n" (see
/// tls::Stream::set_keylog for the labels). Emitted while the handshake (or a TLS 1.3
/// key update) derives secrets, before 'secureConnect'. As Node installs its callback
/// when the first listener is added, berth looks when the handshake starts: listeners
/// added by then hear every line (a client's 'connect' listener is in time).
inline constexpr Event<void(BufferView)> keylog{"keylog"};
/// tls::Server: Node's server 'keylog' (line, tlsSocket), for every connection accepted
/// while the server had a listener for it (Node decides at the connection, as berth).
inline constexpr Event<void(BufferView, TLSSocketPtr)> serverKeylog{"keylog"};
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
  /// Node's `socket` option: run TLS over this existing net::Socket instead of connecting
  /// one (the net options above are then unused, except `host` for the certificate check,
  /// and allowHalfOpen, which is the wrapped socket's, as Node). It may be connected or
  /// still connecting (or not yet connected: the handshake starts at its 'connect'). The
  /// TLSSocket then owns the connection: see tls::connect for what the wrapped socket
  /// does from then on. A TLSSocket cannot be wrapped again (ERR_INVALID_ARG_VALUE).
  net::SocketPtr socket{};
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
  /// For tls::connect with `socket`: a client socket over `parent`'s connection (taken
  /// now, or at its 'connect').
  static TLSSocketPtr wrap(net::SocketPtr parent, net::SocketOptions options, SecureContext context,
                           HandshakeOptions handshake, Loop& loop = Loop::current());
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
  asio::awaitable<void> read_past_tls_error(std::shared_ptr<TLSSocket> self, std::uint64_t generation);
  asio::awaitable<void> run_shutdown(std::shared_ptr<TLSSocket> self);
  void handshake_failed(Error error);
  void on_handshake_timeout();
  void maybe_emit_session();
  Server* tls_server() const noexcept;
  void install_keylog();
  void adopt(const net::SocketPtr& parent);
  void take_parent_stream(const net::SocketPtr& parent);
  bool stale() const noexcept { return tls_ && connect_generation_ != tls_generation_; }

  SecureContext context_;
  Role role_;
  HandshakeOptions handshake_;
  std::optional<Stream> tls_;  // over net::Socket's stream_, borrowed (tls::borrow)
  std::vector<std::uint8_t> read_buffer_;  // one TLS record's worth, taken at the first read
  std::optional<asio::steady_timer> handshake_timer_;
  bool session_emitted_ = false;
  bool keylog_to_server_ = false;    // the server had 'keylog' listeners at the connection
  std::uint64_t tls_generation_ = 0; // connect_generation_ when tls_ was made for stream_
  Buffer received_before_tls_;        // what a wrapped socket had read, for tls_ first
};

/// `tls.connect(options[, callback])`: connects (as net::connect, with its events and
/// errors) and runs the client handshake; `callback` is a once 'secureConnect' listener.
/// Throws what SecureContext throws for bad context options, and what net's connect
/// throws synchronously. Handshake failures destroy the socket with Node's error as
/// 'error' (then 'close' with hadError true): DEPTH_ZERO_SELF_SIGNED_CERT,
/// CERT_HAS_EXPIRED, UNABLE_TO_VERIFY_LEAF_SIGNATURE, ERR_TLS_CERT_ALTNAME_INVALID (see
/// tls::Stream::handshake), ERR_SSL_* for protocol failures, and ECONNRESET "Client
/// network socket disconnected before secure TLS connection was established" after an
/// 'end' when the server closes first.
///
/// With `options.socket` (Node's tls.connect({socket})) no connection is made: the TLS
/// socket takes over the given net::Socket's (at once when it is connected, else at its
/// 'connect', when the TLSSocket emits 'connect' too, without 'ready', as Node) and starts
/// the handshake; writes still queued on the wrapped socket go out first. berth's
/// ownership differs from Node's shared handle in what the wrapped socket can still do:
/// - it reads nothing more and emits no 'data', 'end' or 'finish' (as in Node, where the
///   TLS layer consumes its reads); bytes it had already read and not given out are, as
///   in Node, the start of the TLS stream (read() empties its buffer into it);
/// - a write() or end() on it fails as on a socket without a connection (ERR_SOCKET_CLOSED,
///   then it is destroyed, which closes the TLSSocket); Node would write the bytes raw
///   into the TLS stream, corrupting it;
/// - it stays not destroyed until the TLSSocket closes, then it is destroyed and emits
///   'close' (false) just after the TLSSocket's (Node: just before); destroy() on it
///   closes the TLSSocket (Node's wrap.on('close', () => tls.destroy())), without error.
/// Throws ERR_INVALID_ARG_VALUE for a socket that is a TLSSocket.
TLSSocketPtr connect(ConnectionOptions options, std::function<void()> callback = {});
/// `tls.connect(port[, host][, options][, callback])`.
TLSSocketPtr connect(PortValue port, std::string host, ConnectionOptions options, std::function<void()> callback = {});

}  // namespace berth::tls
