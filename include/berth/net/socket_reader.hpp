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
  /// nullopt at the end ('end' emitted; or the socket destroyed without an error).
  /// Throws the socket's error (ECONNRESET, a setTimeout handler's destroy(err), ...), or
  /// an AbortError (ABORT_ERR) when cancelled through its cancellation slot, which leaves
  /// the reader usable.
  asio::awaitable<std::optional<Buffer>> read();
  /// The same, with the error in `error` (and nullopt) instead of thrown.
  asio::awaitable<std::optional<Buffer>> read(Error& error);

  /// Stops reading: removes the reader's listeners and, with destroyOnReturn, destroys
  /// the socket (Node's `return()`, a `break` out of the loop). The destructor does this.
  void close();

  /// The socket read.
  const SocketPtr& socket() const noexcept { return socket_; }

  struct State;

 private:
  asio::awaitable<void> wait();

  SocketPtr socket_;
  SocketReaderOptions options_;
  std::shared_ptr<State> state_;
};

}  // namespace berth::net

namespace berth::detail {
/// Sends an async_write's completion to its handler: a WriteCallback that owns it.
template <class Handler>
net::WriteCallback write_completion(Handler handler) {
  auto shared = std::make_shared<std::optional<Handler>>(std::move(handler));
  return [shared](const Error& error) {
    if (!*shared) return;
    auto executor = asio::get_associated_executor(**shared, Loop::current().get_executor());
    std::exception_ptr failure = error ? std::make_exception_ptr(error) : nullptr;
    asio::post(executor, [handler = std::move(**shared), failure]() mutable { std::move(handler)(failure); });
    shared->reset();
  };
}
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
      [&socket, &data](auto handler) { socket->write(data, berth::detail::write_completion(std::move(handler))); }, token);
}

}  // namespace berth::net
