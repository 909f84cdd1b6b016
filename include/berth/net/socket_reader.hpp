#pragma once
// berth::net::SocketReader and net::async_write: a net::Socket read and written from a
// coroutine, as Node's `for await (const chunk of socket)` reads it.

#include <asio/associated_cancellation_slot.hpp>
#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/awaitable.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>
#include <exception>
#include <memory>
#include <optional>

#include "berth/abort_signal.hpp"
#include "berth/buffer.hpp"
#include "berth/error.hpp"
#include "berth/net/socket.hpp"

namespace berth::net {

/// Options of SocketReader: Node's `readable.iterator(options)`.
struct SocketReaderOptions {
  /// Destroy the socket when the reading ends — at its end, on its error, or when the
  /// reader is destroyed or close()d first (a `break` out of Node's `for await`) — as
  /// Node's iterator does by default. false leaves the socket open (to write after the
  /// peer's end, for example, with allowHalfOpen).
  bool destroyOnReturn = true;
  /// Aborting it destroys the socket with the signal's reason (an AbortError, code
  /// ABORT_ERR, unless the controller gave another), as Node's
  /// `stream.addAbortSignal(signal, socket)`: the pending and later reads throw it.
  std::optional<AbortSignal> signal{};
};

/// Node's async iterator over a socket (`for await (const chunk of socket)`): each read()
/// completes with the next chunk. While it exists the socket is in paused mode (it holds
/// a 'readable' listener, as Node's iterator does), so the socket reads from the kernel
/// only until readableHighWaterMark bytes wait, and no further while no coroutine asks:
/// backpressure reaches the peer. setTimeout, allowHalfOpen, the byte counters and writes
/// keep their Node behaviour.
///
/// One read() at a time; the reader and the socket belong to the awaiting coroutine's
/// loop. Move-only; it holds the SocketPtr.
class SocketReader {
 public:
  explicit SocketReader(SocketPtr socket, SocketReaderOptions options = {});
  SocketReader(SocketReader&&) noexcept;
  SocketReader& operator=(SocketReader&&) noexcept;
  ~SocketReader();

  /// The next chunk as `readable.read()` returns it (a Buffer, all that is buffered);
  /// nullopt at the end ('end' emitted). Throws the socket's error (ECONNRESET, a
  /// setTimeout handler's destroy(err), an AbortError from options.signal, ...);
  /// ERR_STREAM_PREMATURE_CLOSE ("Premature close") when the socket is destroyed without
  /// an error before its end, as Node's iterator does; an AbortError (ABORT_ERR) when
  /// cancelled through its cancellation slot, which leaves the reader usable. Allocates
  /// the Buffer it returns; read_view() lends the bytes instead.
  asio::awaitable<std::optional<Buffer>> read();
  /// The same, with the error in `error` (and nullopt) instead of thrown.
  asio::awaitable<std::optional<Buffer>> read(Error& error);

  /// The next chunk lent, not copied: a view of the reader's own buffer, valid until the
  /// next read(), read_view() or close(), or the reader's destruction. The same chunks,
  /// end and errors as read(); in steady state nothing is allocated per chunk (the reader
  /// and the socket swap two buffers).
  asio::awaitable<std::optional<BufferView>> read_view();
  /// The same, with the error in `error` (and nullopt) instead of thrown.
  asio::awaitable<std::optional<BufferView>> read_view(Error& error);

  /// Stops reading: removes the reader's listeners and, with destroyOnReturn, destroys
  /// the socket (Node's `return()`, a `break` out of the loop). The destructor does this.
  void close();

  /// The socket read.
  const SocketPtr& socket() const noexcept { return socket_; }

  struct State;

 private:
  SocketPtr socket_;
  SocketReaderOptions options_;
  std::shared_ptr<State> state_;
};

}  // namespace berth::net

namespace berth::detail {
/// An async_write's completion: the write callback owns the handler (an awaiting
/// coroutine's fits WriteHandler inline) and posts it the outcome.
template <class Handler>
struct WriteCompletion {
  Handler handler;
  void operator()(const Error& error) {
    // A plain callback has no executor of its own: it runs on the loop.
    auto executor = asio::get_associated_executor(handler, berth::detail::callback_executor(Loop::current()));
    std::exception_ptr failure = error ? std::make_exception_ptr(error) : nullptr;
    berth::detail::settle(executor, [h = std::move(handler), failure]() mutable { std::move(h)(failure); });
  }
};
}  // namespace berth::detail

namespace berth::net {

/// `socket.write(data, callback)` as an asynchronous operation: completes when the
/// socket's write callback runs, which is once the bytes reached the kernel, or fails
/// with the write's error (EPIPE, ECONNRESET, ERR_STREAM_DESTROYED, ERR_STREAM_WRITE_AFTER_END,
/// ...), as Node calls the callback. `data` is anything Socket::write takes (a string, a
/// BufferView, a Buffer). Awaiting each write is backpressure by itself; a caller that
/// queues several writes and waits once may await `berth::once(socket, events::drain)`
/// when write() returned false.
template <class Data, class CompletionToken = asio::use_awaitable_t<>>
auto async_write(const SocketPtr& socket, const Data& data, CompletionToken&& token = {}) {
  return asio::async_initiate<CompletionToken, void(std::exception_ptr)>(
      [&socket, &data](auto handler) { socket->write(data, berth::detail::WriteCompletion<decltype(handler)>{std::move(handler)}); }, token);
}

}  // namespace berth::net
