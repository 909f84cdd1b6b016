#include "berth/tls/socket.hpp"

#include <asio/post.hpp>
#include <asio/ssl/context.hpp>
#include <openssl/ssl.h>

#include <array>

#include "../spawn.hpp"
#include "openssl_error.hpp"
#include "berth/tls/server.hpp"

namespace berth::tls {

namespace {
// One TLS record's plaintext at most: what one SSL_read can return.
constexpr std::size_t read_buffer_size = 16 * 1024;
}  // namespace

TLSSocket::TLSSocket(PrivateTag, Loop& loop, net::SocketOptions options, SecureContext context, Role role,
                     HandshakeOptions handshake)
    : net::Socket(net::Socket::PrivateTag{}, loop, std::move(options)),
      context_(std::move(context)),
      role_(role),
      handshake_(std::move(handshake)) {
  transport_ = this;
}

// tls_ goes first (members before the base): it borrows the base's stream.
TLSSocket::~TLSSocket() = default;

TLSSocketPtr TLSSocket::create_client(net::SocketOptions options, SecureContext context, HandshakeOptions handshake,
                                      Loop& loop) {
  auto socket = std::make_shared<TLSSocket>(PrivateTag{}, loop, std::move(options), std::move(context), Role::client,
                                            std::move(handshake));
  socket->live_.link(loop.context(), socket);
  socket->watch_signal();
  return socket;
}

TLSSocketPtr TLSSocket::accept(berth::Stream stream, std::shared_ptr<Server> server, const net::SocketOptions& options,
                               SecureContext context, std::chrono::milliseconds handshakeTimeout, Loop& loop) {
  HandshakeOptions handshake;
  if (server) handshake.SNICallback = server->connectionSNICallback();
  auto socket =
      std::make_shared<TLSSocket>(PrivateTag{}, loop, options, std::move(context), Role::server, std::move(handshake));
  socket->live_.link(loop.context(), socket);
  // Node's tlsConnectionListener: the server's 'keylog' listeners are counted now.
  socket->keylog_to_server_ = server && server->listenerCount(events::serverKeylog) > 0;
  socket->take_accepted(std::move(stream), std::move(server), options);
  if (handshakeTimeout.count() > 0) {
    // Node arms the socket's idle timeout; berth keeps a timer of its own, so that the
    // user's setTimeout() and this one do not meet.
    socket->handshake_timer_.emplace(berth::detail::callback_executor(loop), handshakeTimeout);
    std::weak_ptr<TLSSocket> weak = socket;
    socket->handshake_timer_->async_wait([weak](const std::error_code& ec) {
      auto s = weak.lock();
      if (!s || ec) return;
      s->on_handshake_timeout();
    });
  }
  socket->transport_connected();  // the server handshake starts at once
  return socket;
}

Server* TLSSocket::tls_server() const noexcept { return static_cast<Server*>(server_.get()); }

// ---- the transport -------------------------------------------------------

// A TLSSocket is good for one connection: its TLS session cannot move to another.
// Node's socket.connect() on a destroyed TLSSocket makes a plain TCP connection and
// never starts a handshake ('connect' and 'ready', then nothing); berth fails it
// clearly instead: 'connect' and 'ready', then 'error' ERR_INVALID_STATE and 'close'.
namespace {
Error reconnect_error() {
  return Error("ERR_INVALID_STATE", "Invalid state: a TLSSocket cannot connect again once destroyed");
}
}  // namespace

void TLSSocket::transport_connected() {
  if (stale()) {
    ready_ = false;
    destroy_impl(reconnect_error(), false);
    return;
  }
  if (tls_ || !stream_) return;
  tls_.emplace(*stream_, context_, borrow);
  tls_generation_ = connect_generation_;
  if (received_before_tls_.size() > 0) {
    tls_->receive(BufferView(received_before_tls_));
    received_before_tls_ = Buffer();
  }
  install_keylog();
  berth::detail::spawn(berth::detail::callback_executor(*loop_), run_handshake(self()));
}

// Node enables its keylog callback when a 'keylog' listener is added; berth looks when
// the handshake starts (a server's own listeners were counted at the connection).
void TLSSocket::install_keylog() {
  if (!keylog_to_server_ && listenerCount(events::keylog) == 0) return;
  tls_->set_keylog([this](BufferView line) {
    auto keep = self();  // a listener may destroy the socket
    if (keylog_to_server_) {
      if (Server* server = tls_server()) berth::detail::fire(*server, loop_->context(), events::serverKeylog, line, keep);
    }
    berth::detail::fire(*this, loop_->context(), events::keylog, line);
  });
}

// ---- tls.connect({socket}) -----------------------------------------------

TLSSocketPtr TLSSocket::wrap(net::SocketPtr parent, net::SocketOptions options, SecureContext context,
                             HandshakeOptions handshake, Loop& loop) {
  options.allowHalfOpen = parent->allowHalfOpen();  // Node takes the wrapped socket's
  options.onread.reset();                           // and no onread (Node: null with a socket)
  options.fd.reset();
  auto socket = std::make_shared<TLSSocket>(PrivateTag{}, loop, std::move(options), std::move(context), Role::client,
                                            std::move(handshake));
  socket->live_.link(loop.context(), socket);
  socket->watch_signal();
  if (!socket->destroyed()) socket->adopt(parent);
  return socket;
}

void TLSSocket::adopt(const net::SocketPtr& parent) {
  std::weak_ptr<TLSSocket> weak = self();
  std::weak_ptr<net::Socket> weak_parent = parent;
  // One connection under both: either closing closes the other (Node's
  // wrap.on('close', () => this.destroy()), and the shared handle).
  parent->on(net::events::close, [weak](bool) {
    if (auto s = weak.lock()) s->destroy();
  });
  on(net::events::close, [weak_parent](bool) {
    if (auto p = weak_parent.lock()) p->destroy();
  });
  if (parent->destroyed()) {
    destroy(Error("ERR_SOCKET_CLOSED", "Socket is closed"));
    return;
  }
  had_handle_ = true;
  live_.hold(self());  // until 'close', as any socket with a connection under way
  if (parent->stream_ && !parent->connecting_) {
    take_parent_stream(parent);
    return;
  }
  // Connecting (or to be connected later): Node's socket.once('connect') in _init.
  connecting_ = true;
  parent->once(net::events::connect, [weak, weak_parent] {
    auto s = weak.lock();
    auto p = weak_parent.lock();
    if (!s || !p || s->destroyed_) return;
    s->take_parent_stream(p);  // connecting_ turns false there, once the stream is ours
    if (s->destroyed_) return;
    berth::detail::fire(*s, s->loop_->context(), events::connect);
  });
}

void TLSSocket::take_parent_stream(const net::SocketPtr& parent) {
  if (parent->pumping_ || !parent->out_.empty() || parent->queued_length_ > 0) {
    // Node's wrapHasActiveWriteFromPrevOwner: TLS starts once the writes queued on the
    // wrapped socket are out (an empty write's callback says when).
    std::weak_ptr<TLSSocket> weak = self();
    std::weak_ptr<net::Socket> weak_parent = parent;
    parent->write(std::string_view(), [weak, weak_parent](const Error& error) {
      auto s = weak.lock();
      if (!s || s->destroyed_) return;
      auto p = weak_parent.lock();
      if (error || !p || !p->stream_) {
        s->destroy(error ? error : Error("ERR_SOCKET_CLOSED", "Socket is closed"));
        return;
      }
      s->take_parent_stream(p);
    });
    return;
  }
  // Node's _init: what the wrapped socket had already read (and not given out) is the
  // start of the TLS stream.
  std::vector<std::uint8_t> buffered;
  while (auto chunk = parent->read()) buffered.insert(buffered.end(), chunk->begin(), chunk->end());
  if (!buffered.empty()) received_before_tls_ = Buffer(std::move(buffered));
  // The wrapped socket stops reading: its readiness wait is cancelled and, finding a
  // newer generation, reads nothing.
  parent->reading_ = false;
  parent->read_armed_ = false;
  ++parent->read_generation_;
  parent->read_wanted_ = false;
  std::error_code ignored;
  parent->stream_->set_reading(false);
  parent->stream_->socket().cancel(ignored);
  berth::Stream stream = std::move(*parent->stream_);
  parent->stream_.reset();
  attach(std::move(stream));
  connecting_ = false;
  transport_connected();
  if (destroyed_) return;
  if (options_.readable && (flowing_ != false || read_wanted_)) start_reading();
}

asio::awaitable<void> TLSSocket::run_handshake(std::shared_ptr<TLSSocket> self) {  // self: alive until done
  Error error;
  co_await tls_->handshake(role_, handshake_, error);
  if (handshake_timer_) handshake_timer_->cancel();
  if (destroyed_) co_return;
  if (error) {
    handshake_failed(std::move(error));
    co_return;
  }
  ready_ = true;
  touch();
  if (role_ == Role::client) {
    berth::detail::fire(*this, loop_->context(), events::secureConnect);
  } else if (Server* server = tls_server()) {
    berth::detail::fire(*server, loop_->context(), events::secureConnection, self);
  }
  if (destroyed_) co_return;
  // What waited for the handshake: writes, an end(), reading.
  flush();
  maybe_finish();
  if (reading_ && !read_armed_) transport_arm_read();
}

void TLSSocket::handshake_failed(Error error) {
  if (role_ == Role::server) {
    // Node's onSocketTLSError: the server hears it, the socket closes without 'error'.
    // Node destroys the socket first (its onerror), so the listener sees it destroyed
    // (test/conformance tls-alpn, tls-client-cert); only the handshake timeout leaves
    // that to the listener.
    auto socket = self();
    destroy_impl(std::nullopt, false);
    if (Server* server = tls_server()) berth::detail::fire(*server, loop_->context(), events::tlsClientError, error, socket);
    return;
  }
  // The server closed before the handshake ended: Node's socket has read its end first.
  if (error.code == "ECONNRESET" && error.syscall.empty() && !end_emitted_) {
    end_emitted_ = true;
    berth::detail::fire(*this, loop_->context(), events::end);
    if (destroyed_) return;
  }
  destroy_impl(std::move(error), false);
}

void TLSSocket::on_handshake_timeout() {
  if (destroyed_ || ready_) return;
  Error error("ERR_TLS_HANDSHAKE_TIMEOUT", "TLS handshake timeout");
  Server* server = tls_server();
  // As Node: with a listener, the listener decides (Node's tests destroy the socket there).
  if (server && server->listenerCount(events::tlsClientError) > 0) {
    berth::detail::fire(*server, loop_->context(), events::tlsClientError, error, self());
    return;
  }
  destroy_impl(std::nullopt, false);
}

void TLSSocket::transport_arm_read() {
  if (!ready_ || read_armed_ || !stream_ || destroyed_ || stale()) return;
  read_armed_ = true;
  berth::detail::spawn(berth::detail::callback_executor(*loop_), read_loop(self(), read_generation_));
}

// Reading is a loop of awaited reads rather than readiness waits: the TLS engine may
// hold decrypted bytes while the socket is idle.
asio::awaitable<void> TLSSocket::read_loop(std::shared_ptr<TLSSocket> self, std::uint64_t generation) {  // self: alive until done
  auto mine = [&] { return generation == read_generation_ && !destroyed_; };
  while (reading_ && mine()) {
    std::span<std::uint8_t> buffer;
    if (options_.onread) {
      buffer = options_.onread->bufferFactory ? options_.onread->bufferFactory() : options_.onread->buffer;
    } else {
      if (read_buffer_.size() < read_buffer_size) read_buffer_.resize(read_buffer_size);
      buffer = read_buffer_;
    }
    Error error;
    std::size_t n = co_await tls_->read_some(asio::buffer(buffer.data(), buffer.size()), error);
    if (!mine()) co_return;
    stream_->set_reading(reading_);
    if (error) {
      if (ready_ && detail::is_openssl_error(error.ec)) {
        // Node's onerror after the handshake (_emitTLSError): 'error' without destroy();
        // the connection lives on until the peer closes it.
        berth::detail::fire(*this, loop_->context(), berth::events::error, error);
        if (!mine()) co_return;
        co_await read_past_tls_error(self, generation);
        co_return;
      }
      reading_ = false;
      read_armed_ = false;
      destroy_impl(std::move(error), false);
      co_return;
    }
    if (n == 0) {
      reading_ = false;
      read_armed_ = false;
      stream_->set_reading(false);
      on_eof();
      co_return;
    }
    maybe_emit_session();
    if (!mine()) co_return;
    on_chunk(buffer.data(), n, buffer);
    stream_->set_reading(reading_);
  }
  if (generation == read_generation_) read_armed_ = false;
}

// After a TLS error the session can carry nothing more: what the peer still sends is
// read and dropped until its FIN, which ends the socket as any end does ('end', then
// end() and 'finish' without allowHalfOpen, 'close' without error), as in Node.
asio::awaitable<void> TLSSocket::read_past_tls_error(std::shared_ptr<TLSSocket> /*alive until done*/,
                                                     std::uint64_t generation) {
  auto mine = [&] { return generation == read_generation_ && !destroyed_; };
  std::array<std::uint8_t, 512> discard;
  for (;;) {
    Error error;
    std::size_t n = co_await stream_->read_some(asio::buffer(discard), error);
    if (!mine()) co_return;
    if (error) {
      reading_ = false;
      read_armed_ = false;
      destroy_impl(std::move(error), false);
      co_return;
    }
    if (n == 0) break;
  }
  reading_ = false;
  read_armed_ = false;
  stream_->set_reading(false);
  on_eof();
}

void TLSSocket::maybe_emit_session() {
  if (session_emitted_ || role_ != Role::client) return;
  if (listenerCount(events::session) == 0) return;
  Buffer session = tls_->getSession();
  if (session.size() == 0) return;
  session_emitted_ = true;
  berth::detail::fire(*this, loop_->context(), events::session, BufferView(session));
}

asio::awaitable<std::size_t> TLSSocket::transport_write(asio::const_buffer buffer, Error& error) {
  if (stale()) {
    // A write from a 'connect' listener of a reconnected TLSSocket (see transport_connected).
    error = reconnect_error();
    co_return 0;
  }
  co_return co_await tls_->write(buffer, error);  // the write pump holds the socket
}

void TLSSocket::transport_shutdown() {
  if (stale()) {
    destroy_impl(reconnect_error(), false);
    return;
  }
  berth::detail::spawn(berth::detail::callback_executor(*loop_), run_shutdown(self()));
}

asio::awaitable<void> TLSSocket::run_shutdown(std::shared_ptr<TLSSocket> self) {  // self: alive until done
  Error error;
  co_await tls_->shutdown(error);
  // As the plain path ignores shutdown_write()'s errors: a peer already gone (ENOTCONN,
  // EPIPE) shows in the read side, and 'finish' still follows.
  if (destroyed_) co_return;
  loop_->nextTick([self] { self->emit_finish(); });
}

// ---- properties ----------------------------------------------------------

bool TLSSocket::authorized() const noexcept { return tls_ && tls_->authorized(); }
std::string TLSSocket::authorizationError() const { return tls_ ? tls_->authorizationError() : std::string(); }
std::string TLSSocket::alpnProtocol() const { return tls_ && ready() ? tls_->alpnProtocol() : std::string(); }
std::string TLSSocket::servername() const {
  if (role_ == Role::client) return handshake_.servername.value_or("");
  return tls_ ? tls_->servername() : std::string();
}
PeerCertificate TLSSocket::getPeerCertificate() const { return tls_ ? tls_->getPeerCertificate() : PeerCertificate{}; }
PeerCertificate TLSSocket::getCertificate() const { return tls_ ? tls_->getCertificate() : PeerCertificate{}; }
std::string TLSSocket::getProtocol() const {
  // Node's getProtocol() is SSL_get_version() on the SSL object its TLSSocket holds from
  // creation to destroy(): what OpenSSL says so far during the handshake, and before the
  // TCP connection what a new SSL object says (OpenSSL: its highest version, "TLSv1.3",
  // whatever maxVersion is); null once destroyed (test/conformance tls-handshake).
  if (destroyed_) return {};
  if (tls_) return SSL_get_version(static_cast<SSL*>(const_cast<Stream&>(*tls_).native_handle()));
  SSL* fresh = SSL_new(context_.native().native_handle());
  if (!fresh) return {};
  std::string version = SSL_get_version(fresh);
  SSL_free(fresh);
  return version;
}
Cipher TLSSocket::getCipher() const { return tls_ ? tls_->getCipher() : Cipher{}; }
Buffer TLSSocket::getSession() const { return tls_ ? tls_->getSession() : Buffer(); }
bool TLSSocket::isSessionReused() const noexcept { return tls_ && tls_->isSessionReused(); }

// ---- tls.connect ---------------------------------------------------------

TLSSocketPtr connect(ConnectionOptions options, std::function<void()> callback) {
  if (options.socket && std::dynamic_pointer_cast<TLSSocket>(options.socket))
    throw Error("ERR_INVALID_ARG_VALUE",
                "The property 'options.socket' is invalid: berth does not wrap a TLSSocket in another",
                ErrorKind::TypeError);
  SecureContext context = options.secureContext ? *options.secureContext
                                                : SecureContext(static_cast<const SecureContextOptions&>(options));
  HandshakeOptions handshake;
  handshake.servername = options.servername;
  if (!options.path) handshake.host = options.host;
  handshake.session = options.session;
  handshake.rejectUnauthorized = options.rejectUnauthorized;
  handshake.checkServerIdentity = options.checkServerIdentity;
  net::SocketOptions socket_options;
  socket_options.fd = options.fd;
  socket_options.allowHalfOpen = options.allowHalfOpen;
  socket_options.readable = options.readable;
  socket_options.writable = options.writable;
  socket_options.signal = options.signal;
  socket_options.onread = options.onread;
  socket_options.highWaterMark = options.highWaterMark;
  if (options.socket) {
    handshake.host = options.host;  // Node: servername, else host, else "localhost"
    auto socket = TLSSocket::wrap(options.socket, std::move(socket_options), std::move(context), std::move(handshake),
                                  options.socket->loop());
    if (callback) socket->once(events::secureConnect, std::move(callback));
    return socket;
  }
  if (socket_options.fd)
    throw Error("ERR_INVALID_ARG_VALUE", "tls::connect does not take `fd`: connect a net::Socket first",
                ErrorKind::TypeError);
  auto socket = TLSSocket::create_client(std::move(socket_options), std::move(context), std::move(handshake));
  if (callback) socket->once(events::secureConnect, std::move(callback));
  if (!socket->destroyed()) socket->net::Socket::connect(static_cast<net::ConnectOptions&&>(std::move(options)));
  return socket;
}

TLSSocketPtr connect(PortValue port, std::string host, ConnectionOptions options, std::function<void()> callback) {
  options.port = std::move(port);
  options.host = std::move(host);
  return connect(std::move(options), std::move(callback));
}

}  // namespace berth::tls
