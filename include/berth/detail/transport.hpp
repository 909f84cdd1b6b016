#pragma once
// berth::detail::Transport: the seam through which a net::Socket moves its bytes
// when they do not go straight to the kernel (tls::TLSSocket's TLS stream). Internal:
// users never implement or call it.
//
// A plain Socket has none (a null pointer), and its hot paths stay what they were: one
// pointer test where the plain code reads, writes or ends, no virtual call and no
// allocation per chunk. With a transport, the Socket's state machine (events,
// backpressure, timeouts, half-close, counters, paused mode, pipe) runs unchanged, and
// only these points go through it:
// - connecting: transport_connected() once the connection is made, to start the handshake;
// - reading: the Socket asks for reading with transport_arm_read() instead of waiting for the
//   socket's readiness; the transport delivers what it reads as the plain path does
//   (chunks, the end, an error);
// - writing: the write pump awaits transport_write() for each batch instead of asio::async_write
//   on the socket (no try_write fast path: one write in flight at once);
// - ending: transport_shutdown() instead of shutdown_write(); the transport emits 'finish' once done;
// - ready(): until it is true (a TLS handshake in progress) nothing is read or written,
//   writes and end() wait in the queue.

#include "berth/detail/coroutines.hpp"  // first: stops a build without coroutines, in words
#include <asio/awaitable.hpp>
#include <asio/buffer.hpp>
#include <cstddef>

#include "berth/error.hpp"

namespace berth::detail {

class Transport {
 public:
  /// Bytes may move: the others may be called.
  bool ready() const noexcept { return ready_; }
  /// The connection is made ('connect' and 'ready' emitted): start the handshake.
  virtual void transport_connected() = 0;
  /// Start reading unless a read is pending (the Socket's read_armed_ says which).
  virtual void transport_arm_read() = 0;
  /// Writes all of `buffer`; returns the bytes written; `error` set on failure.
  virtual asio::awaitable<std::size_t> transport_write(asio::const_buffer buffer, Error& error) = 0;
  /// end(): the transport's own close (TLS close_notify), then the FIN; then 'finish'.
  virtual void transport_shutdown() = 0;

 protected:
  Transport() = default;
  ~Transport() = default;
  bool ready_ = false;
};

}  // namespace berth::detail
