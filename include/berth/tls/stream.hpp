#pragma once
// berth::tls::Stream: a TLS stream over a berth::Stream (TCP or Unix) whose operations
// are awaitables: handshake, read_some, write, shutdown. The coroutine core of Node's
// TLSSocket.

#include "berth/detail/coroutines.hpp"  // first: stops a build without coroutines, in words
#include <asio/awaitable.hpp>
#include <asio/buffer.hpp>
#include <cstddef>
#include <functional>
#include <string_view>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "berth/buffer.hpp"
#include "berth/error.hpp"
#include "berth/stream.hpp"
#include "berth/tls/peer_certificate.hpp"
#include "berth/tls/secure_context.hpp"

namespace berth::tls {

/// Which side of the handshake a stream plays.
enum class Role { client, server };
inline constexpr Role client = Role::client;
inline constexpr Role server = Role::server;

/// What an SNICallback calls with its answer (Node's `cb(err, ctx)`): a non-empty `error`
/// fails the handshake with it; else `context` (nullopt: keep the server's own) gives the
/// certificate, key and chain sent to this client, and the CAs its certificate is checked
/// against (Node's SNI context use: only those are taken from it). Call it once; a
/// second call while the handshake waits fails it with ERR_MULTIPLE_CALLBACK ("Callback
/// called multiple times"), as Node; a call after the handshake ended is ignored (Node
/// would destroy the socket). Safe to call after the stream is gone (it does nothing then);
/// call it on the stream's loop thread, and do not keep it past the loop's end (it holds a
/// timer of that loop).
using SNIDone = std::function<void(const Error& error, std::optional<SecureContext> context)>;
/// Node's SNICallback(servername, cb): called during a server handshake with the name the
/// client sent in its SNI extension (not called when it sent none, as Node); `done` may be
/// called at once or later (from a timer, after a lookup...): the handshake waits for it.
/// A berth::Error thrown by it fails the handshake as `done(error)` would; any other
/// exception as ERR_TLS_SNI_CALLBACK_THREW (with its what() for a std::exception; a
/// JavaScript error needs no such code).
using SNICallbackFunction = std::function<void(const std::string& servername, SNIDone done)>;

/// Per-connection options of a handshake (Node's tls.connect options that are not
/// the context's; SNICallback, a server's).
struct HandshakeOptions {
  /// SNI: the name sent in the ClientHello (Node sends none unless `servername` is
  /// given), and the name the certificate is checked against.
  std::optional<std::string> servername{};
  /// The name the certificate is checked against when `servername` is absent (Node's
  /// `host`); empty: "localhost", as Node.
  std::optional<std::string> host{};
  /// A session from an earlier connection's getSession(), to resume it.
  std::optional<Buffer> session{};
  /// Overrides the context's rejectUnauthorized for this connection (Node takes it per
  /// connection: tls.connect's `rejectUnauthorized` beside a `secureContext`).
  std::optional<bool> rejectUnauthorized{};
  /// Node's `checkServerIdentity` option: called with the name and the peer's
  /// certificate once the chain verified; a non-empty Error rejects the server (as
  /// tls::checkServerIdentity's ERR_TLS_CERT_ALTNAME_INVALID does). Empty: that function.
  std::function<Error(std::string_view hostname, const PeerCertificate& cert)> checkServerIdentity{};
  /// Server: Node's SNICallback option (see SNICallbackFunction): picks the certificate by
  /// the name the client asks for. Empty: the context's certificate for every name.
  SNICallbackFunction SNICallback{};
};

/// Tag of Stream's borrowing constructor.
struct Borrow {
  explicit Borrow() = default;
};
inline constexpr Borrow borrow{};

namespace detail {
struct TlsStreamState;
}

/// A TLS connection over a connected berth::Stream. Every operation comes in two forms,
/// one throwing berth::Error and one taking `Error&` (left empty on success).
/// One read and one write (write or shutdown) may be in flight at once, as on a
/// berth::Stream; the handshake must finish before either starts. Moves are cheap (the
/// state lives on the heap and does not move).
class Stream {
 public:
  /// Wraps a connected stream (from berth::connect or Acceptor::accept); no bytes move
  /// until handshake().
  Stream(berth::Stream&& stream, const SecureContext& context);
  /// Runs over `stream` without owning it (berth's event layer: tls::TLSSocket keeps the
  /// stream in its net::Socket); `stream` must outlive this Stream and its operations.
  Stream(berth::Stream& stream, const SecureContext& context, Borrow);
  Stream(Stream&&) noexcept;
  Stream& operator=(Stream&&) noexcept;
  ~Stream();

  /// Runs the TLS handshake as `role`. A client verifies the server's certificate
  /// (against the context's `ca`, else the system's trust store) and its identity with
  /// checkServerIdentity(servername or host or "localhost"); a server asks for a client
  /// certificate when the context has requestCert. Failures, with Node's codes:
  /// - the certificate does not verify and rejectUnauthorized: the X509 code Node gives
  ///   (DEPTH_ZERO_SELF_SIGNED_CERT "self-signed certificate", CERT_HAS_EXPIRED
  ///   "certificate has expired", UNABLE_TO_VERIFY_LEAF_SIGNATURE "unable to verify the
  ///   first certificate", SELF_SIGNED_CERT_IN_CHAIN, ...; a server with requestCert: also
  ///   the client's); ERR_TLS_CERT_ALTNAME_INVALID for the wrong host. The connection is
  ///   closed. Without rejectUnauthorized the handshake succeeds with authorized() false
  ///   and authorizationError() set to that code.
  /// - a protocol failure: ERR_SSL_<OpenSSL's reason> (ERR_SSL_WRONG_VERSION_NUMBER,
  ///   ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION, ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE,
  ///   ERR_SSL_NO_APPLICATION_PROTOCOL, ...), message OpenSSL's error line as Node gives it
  ///   (ERR_print_errors: "<thread id>:error:0A00010B:SSL routines:ssl3_get_record:wrong
  ///   version number:<source file>:<line>:<data>\n", the data e.g. "SSL alert number 120"
  ///   for an alert the peer sent).
  /// - the peer closes before the handshake ends: ECONNRESET, "Client network socket
  ///   disconnected before secure TLS connection was established" (a client, with the
  ///   peer's address and port) or "socket hang up" (a server), as Node.
  /// - a socket error: as berth::Stream reports it (ECONNRESET, syscall "read", ...).
  asio::awaitable<void> handshake(Role role);
  asio::awaitable<void> handshake(Role role, Error& error);
  asio::awaitable<void> handshake(Role role, const HandshakeOptions& options);
  asio::awaitable<void> handshake(Role role, const HandshakeOptions& options, Error& error);

  /// Reads some decrypted bytes into `buffer`; returns 0 at the end of the stream (the
  /// peer's close_notify, or its FIN without one, which Node also takes as the end), and
  /// 0 again at once on every read after that. Errors: ERR_SSL_* (an alert from the peer,
  /// e.g. ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED), or the socket's (syscall "read").
  asio::awaitable<std::size_t> read_some(asio::mutable_buffer buffer);
  asio::awaitable<std::size_t> read_some(asio::mutable_buffer buffer, Error& error);

  /// Encrypts and writes all of `buffer`; returns its size once the kernel has taken
  /// every record. Errors: the socket's (EPIPE, ECONNRESET; syscall "write") or ERR_SSL_*.
  asio::awaitable<std::size_t> write(asio::const_buffer buffer);
  asio::awaitable<std::size_t> write(asio::const_buffer buffer, Error& error);
  /// Any contiguous bytes (a std::string_view, std::string, BufferView, Buffer, span).
  template <WritableBytes Bytes>
    requires(!asio::is_const_buffer_sequence<Bytes>::value)
  asio::awaitable<std::size_t> write(const Bytes& bytes) {
    return write(asio::const_buffer(berth::detail::as_const_buffers(bytes)));
  }
  template <WritableBytes Bytes>
    requires(!asio::is_const_buffer_sequence<Bytes>::value)
  asio::awaitable<std::size_t> write(const Bytes& bytes, Error& error) {
    return write(asio::const_buffer(berth::detail::as_const_buffers(bytes)), error);
  }

  /// Node's end(): sends close_notify, then the TCP FIN; reading goes on (the peer's
  /// reads end; its own close_notify or FIN ends ours). Counts as the one write in flight.
  asio::awaitable<void> shutdown();
  asio::awaitable<void> shutdown(Error& error);

  /// Bytes that arrived on the connection before TLS took it over (a protocol that
  /// upgrades to TLS may have read them with its plain-text part): the handshake and the
  /// reads take them before anything further from the socket, in the order given. Node's
  /// TLSSocket does the same with what a wrapped socket had buffered. Call it before
  /// handshake() for the handshake's bytes.
  void receive(BufferView bytes);

  /// Closes the socket at once (Node's destroy()), without close_notify.
  void close() noexcept;

  /// Node's 'keylog': `callback` receives each TLS secret OpenSSL derives for this
  /// connection as one line of the NSS key log format, ending in '\n' as Node's Buffer
  /// does: "CLIENT_HANDSHAKE_TRAFFIC_SECRET <client random, 64 hex> <secret, 96 hex>\n"
  /// (TLS 1.3: SERVER_HANDSHAKE_TRAFFIC_SECRET, CLIENT_HANDSHAKE_TRAFFIC_SECRET,
  /// EXPORTER_SECRET, SERVER_TRAFFIC_SECRET_0, CLIENT_TRAFFIC_SECRET_0; TLS 1.2 one
  /// CLIENT_RANDOM line), synchronously from inside handshake() or a read, as OpenSSL
  /// derives them. Set it before handshake(); an empty function stops it. The first call
  /// installs OpenSSL's keylog callback on the shared context (as Node's
  /// enableKeylogCallback does; it stays installed); streams without a callback log nothing.
  void set_keylog(std::function<void(BufferView line)> callback);

  /// Whether the peer's certificate verified (and, for a client, matched the host).
  bool authorized() const noexcept;
  /// Why not, as Node's authorizationError: "DEPTH_ZERO_SELF_SIGNED_CERT",
  /// "ERR_TLS_CERT_ALTNAME_INVALID", ...; empty when authorized or not yet known.
  const std::string& authorizationError() const noexcept;
  /// The ALPN protocol agreed on ("h2"), or empty (Node: false).
  std::string alpnProtocol() const;
  /// Client: the servername it sent; server: the SNI name the client sent; or empty.
  std::string servername() const;
  /// "TLSv1.3", "TLSv1.2" (Node's getProtocol()); empty before the handshake.
  std::string getProtocol() const;
  /// Node's getCipher(); empty fields before the handshake.
  Cipher getCipher() const;
  /// The peer's certificate (empty when it sent none); Node's getPeerCertificate().
  PeerCertificate getPeerCertificate() const;
  /// This side's own certificate (Node's getCertificate()), or empty.
  PeerCertificate getCertificate() const;
  /// The session, DER-encoded (Node's getSession()), for HandshakeOptions::session; empty
  /// when there is none that can be resumed. In TLS 1.3 the server sends it after the
  /// handshake: it is there once a read has taken the server's first bytes (Node's
  /// 'session' event comes at that point too).
  Buffer getSession() const;
  /// Whether the handshake resumed a session.
  bool isSessionReused() const noexcept;

  /// The TCP (or Unix) stream underneath.
  berth::Stream& next_layer() noexcept;
  /// The executor the stream runs on.
  asio::any_io_executor get_executor() noexcept;
  /// OpenSSL's SSL object (SSL*), for what berth does not wrap.
  void* native_handle() noexcept;

 private:
  std::unique_ptr<detail::TlsStreamState> state_;
};

}  // namespace berth::tls
