#pragma once
// berth::Stream: a connected TCP or Unix stream whose operations are awaitables.

#include "berth/detail/coroutines.hpp"  // first: stops a build without coroutines, in words
#include <asio/awaitable.hpp>
#include <asio/associated_allocator.hpp>
#include <asio/associated_cancellation_slot.hpp>
#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/buffer.hpp>
#include <asio/generic/stream_protocol.hpp>
#include <asio/read.hpp>
#include <asio/read_until.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <concepts>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "berth/address_info.hpp"
#include "berth/buffer.hpp"
#include "berth/detail/wait_allocator.hpp"
#include "berth/error.hpp"
#include "berth/loop.hpp"

namespace berth {
namespace detail {

// Holds `guard` until an operation's handler has run, and keeps the handler's executor,
// allocator and cancellation slot (Asio 1.22 has no asio::consign). Used with
// use_awaitable handlers, which always carry an executor. `Allocator`, when given, is the
// operation's allocator instead of the handler's.
template <class Handler, class Guard, class Allocator = asio::associated_allocator_t<Handler>>
struct GuardedHandler {
  Handler handler;
  Guard guard;

  template <class... Args>
  void operator()(Args&&... args) {
    std::move(handler)(std::forward<Args>(args)...);
  }
  using executor_type = asio::associated_executor_t<Handler>;
  executor_type get_executor() const noexcept { return asio::get_associated_executor(handler); }
  using allocator_type = Allocator;
  allocator_type get_allocator() const noexcept {
    if constexpr (std::is_same_v<Allocator, asio::associated_allocator_t<Handler>>)
      return asio::get_associated_allocator(handler);
    else
      return Allocator{};
  }
  using cancellation_slot_type = asio::associated_cancellation_slot_t<Handler>;
  cancellation_slot_type get_cancellation_slot() const noexcept {
    return asio::get_associated_cancellation_slot(handler);
  }
};

}  // namespace detail

/// What Stream::write and try_write take: an Asio const buffer sequence
/// (`asio::buffer(...)`, a `std::vector<asio::const_buffer>` for one gather write), or
/// contiguous bytes: `std::string_view` and what converts to it (`std::string`, a string
/// literal, whose terminating '\0' is not sent), `berth::BufferView`, `berth::Buffer`,
/// `std::span<const std::byte>`. The bytes are not copied: they must outlive the write
/// (a temporary does, in `co_await stream.write(std::string(...))`).
template <class T>
concept WritableBytes = asio::is_const_buffer_sequence<T>::value || std::convertible_to<const T&, std::string_view> ||
                        std::same_as<T, BufferView> || std::same_as<T, Buffer> ||
                        std::convertible_to<const T&, std::span<const std::byte>>;

namespace detail {
/// The Asio buffer(s) over a WritableBytes value, without copying.
template <WritableBytes T>
decltype(auto) as_const_buffers(const T& bytes) {
  if constexpr (asio::is_const_buffer_sequence<T>::value) {
    return (bytes);
  } else if constexpr (std::convertible_to<const T&, std::string_view>) {
    std::string_view text = bytes;
    return asio::const_buffer(text.data(), text.size());
  } else if constexpr (std::same_as<T, BufferView> || std::same_as<T, Buffer>) {
    return asio::const_buffer(bytes.data(), bytes.size());
  } else {
    std::span<const std::byte> span = bytes;
    return asio::const_buffer(span.data(), span.size());
  }
}

template <class T>
inline constexpr bool not_writable_bytes = false;
}  // namespace detail

/// What Stream::read_until and the dynamic read_exactly grow: a `std::string` or a
/// `std::vector` of `char`, `unsigned char` or `std::byte` (Asio's dynamic_buffer over it).
template <class T>
concept DynamicBytes = std::same_as<T, std::string> || std::same_as<T, std::vector<char>> ||
                       std::same_as<T, std::vector<unsigned char>> || std::same_as<T, std::vector<std::byte>>;

/// What Stream::read_until and BufferedReader::read_until stop at: one `char`, or a
/// non-empty string of several (`"\r\n"`, `"\r\n\r\n"`).
template <class T>
concept ReadDelimiter = std::same_as<T, char> || std::convertible_to<const T&, std::string_view>;

/// The default bound, in bytes, on what read_until and BufferedReader buffer while they
/// look for a delimiter: 64 KiB, as Go's bufio.Scanner. Past it the read fails with
/// ENOBUFS rather than letting a peer that never sends the delimiter grow memory.
inline constexpr std::size_t default_read_limit = 64 * 1024;

namespace detail {
/// read_until's failure when `max_size` bytes hold no delimiter: code ENOBUFS, syscall
/// "read", `ec` asio::error::not_found.
Error read_limit_error(std::size_t max_size);
/// read_until's failure on an empty string delimiter: ERR_INVALID_ARG_VALUE.
Error empty_delimiter_error();
/// read_exactly's failure on a FIN after `got` of `wanted` bytes: code "EOF".
Error end_of_stream_error(std::size_t got, std::size_t wanted);
}  // namespace detail

/// A connected stream socket, TCP (IPv4/IPv6) or Unix domain, in one type.
/// Every operation comes in two forms, as in Asio: one throws berth::Error, the
/// other takes a `berth::Error&` and leaves it empty on success. The hot ones
/// (wait_readable, write, try_read, try_write) also take a `std::error_code&`:
/// those are Asio's own operations with nothing around them, for loops where every
/// instruction counts; make a berth::Error from the code with Error::from_system.
/// As a libuv stream, an open stream keeps its loop alive only while an operation is
/// pending on it: a read or wait_readable while it is ref'd, a write whether or not it
/// is (see HandleRef for the whole table). An idle open stream lets run() return.
class Stream {
 public:
  using protocol_type = asio::generic::stream_protocol;
  using socket_type = protocol_type::socket;

  /// A closed stream on the given executor.
  explicit Stream(const asio::any_io_executor& executor);
  /// Takes over an open socket.
  explicit Stream(socket_type&& socket);
  /// Adopts an open, connected file descriptor (TCP or Unix); its family is read
  /// with getsockname.
  static Stream adopt(const asio::any_io_executor& executor, int fd);

  Stream(Stream&&) noexcept = default;
  Stream& operator=(Stream&&) noexcept = default;
  ~Stream() = default;

  /// Reads some bytes; returns 0 at end of stream (the peer's FIN).
  asio::awaitable<std::size_t> read_some(asio::mutable_buffer buffer);
  asio::awaitable<std::size_t> read_some(asio::mutable_buffer buffer, Error& error);

  /// Reads exactly `buffer.size()` bytes; a FIN before then is an error (EOF).
  asio::awaitable<std::size_t> read_exactly(asio::mutable_buffer buffer);
  asio::awaitable<std::size_t> read_exactly(asio::mutable_buffer buffer, Error& error);

  /// Reads until `buffer` (a DynamicBytes: std::string or std::vector of bytes, which grows)
  /// holds `delimiter` (a char, or a non-empty string); returns the number of bytes up to
  /// and including its first occurrence. As Asio's async_read_until: bytes already in
  /// `buffer` are searched first, and bytes read past the delimiter stay in `buffer` after
  /// it; erase the first n bytes when done with them (or use BufferedReader, which keeps
  /// the rest for you). Returns 0 at end of stream; bytes that came without a delimiter
  /// before the FIN stay in `buffer`. Fails with ENOBUFS (`ec` asio::error::not_found) once
  /// `buffer` holds `max_size` bytes and no delimiter, with ERR_INVALID_ARG_VALUE on an
  /// empty delimiter, and with the read's error (ECONNRESET, ...; syscall "read").
  template <DynamicBytes Storage, ReadDelimiter Delimiter>
  asio::awaitable<std::size_t> read_until(Storage& buffer, Delimiter delimiter,
                                          std::size_t max_size = default_read_limit) {
    Error error;
    std::size_t n = co_await read_until(buffer, delimiter, error, max_size);
    if (error) throw error;
    co_return n;
  }
  template <DynamicBytes Storage, ReadDelimiter Delimiter>
  asio::awaitable<std::size_t> read_until(Storage& buffer, Delimiter delimiter, Error& error,
                                          std::size_t max_size = default_read_limit) {
    if constexpr (!std::same_as<Delimiter, char>) {
      if (std::string_view(delimiter).empty()) {
        error = detail::empty_delimiter_error();
        co_return 0;
      }
    }
    if (at_end_) co_return end_of_stream_search(buffer, delimiter, error, max_size);
    HandleRef::Activity reading(handle_ref_);
    std::error_code ec;
    std::size_t n = 0;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    if constexpr (std::same_as<Delimiter, char>) {
      n = co_await asio::async_read_until(socket_, asio::dynamic_buffer(buffer, max_size), delimiter, token);
    } else {
      std::string_view text = delimiter;
      n = co_await asio::async_read_until(socket_, asio::dynamic_buffer(buffer, max_size), text, token);
    }
    if (ec == asio::error::eof) {
      at_end_ = true;
      ec.clear();
      n = 0;
    }
    if (ec == asio::error::not_found) error = detail::read_limit_error(max_size);
    else set_error(error, ec, "read");
    co_return n;
  }

  /// Reads exactly `n` more bytes and appends them to `buffer` (a DynamicBytes); a FIN
  /// before then is an error (code "EOF"), with the bytes that did come appended.
  template <DynamicBytes Storage>
  asio::awaitable<std::size_t> read_exactly(Storage& buffer, std::size_t n) {
    Error error;
    std::size_t got = co_await read_exactly(buffer, n, error);
    if (error) throw error;
    co_return got;
  }
  template <DynamicBytes Storage>
  asio::awaitable<std::size_t> read_exactly(Storage& buffer, std::size_t n, Error& error) {
    if (n == 0) co_return 0;
    if (at_end_) {
      error = detail::end_of_stream_error(0, n);
      error.ec = asio::error::eof;
      co_return 0;
    }
    HandleRef::Activity reading(handle_ref_);
    std::error_code ec;
    std::size_t got = co_await asio::async_read(socket_, asio::dynamic_buffer(buffer), asio::transfer_exactly(n),
                                                asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::eof) {
      at_end_ = true;
      error = detail::end_of_stream_error(got, n);
      error.ec = ec;
    } else {
      set_error(error, ec, "read");
    }
    co_return got;
  }

  /// Waits until the stream is readable (data, FIN or error) without taking a
  /// buffer: an idle connection then holds no read memory, as in libuv.
  asio::awaitable<void> wait_readable();
  asio::awaitable<void> wait_readable(Error& error);
  /// Asio's own wait: no coroutine frame of berth's around it.
  asio::awaitable<void> wait_readable(std::error_code& ec) {
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    return asio::async_initiate<decltype(token), void(std::error_code)>(
        [this](auto handler) {
          // Reading makes the stream active (libuv's uv_read_start) until the wait ends. An
          // idle connection keeps this wait pending: its operation gets a block of its own
          // size (see WaitAllocator).
          using Allocator = detail::WaitAllocator<void, detail::StreamWaitBlocks>;
          socket_.async_wait(socket_type::wait_read,
                             detail::GuardedHandler<decltype(handler), HandleRef::Activity, Allocator>{
                                 std::move(handler), HandleRef::Activity(handle_ref_)});
        },
        token);
  }

  /// Reads what is available now without waiting; 0 with `would_block` set when
  /// nothing is, 0 with `eof` set at end of stream.
  std::size_t try_read(asio::mutable_buffer buffer, Error& error, bool& would_block, bool& eof);
  std::size_t try_read(asio::mutable_buffer buffer, std::error_code& ec, bool& would_block, bool& eof);

  /// Writes all of `bytes` (see WritableBytes: a string, a BufferView or Buffer, a span of
  /// bytes, or an Asio buffer sequence, which goes out in one gather write); completes
  /// with the number of bytes written once the kernel has taken them all. Errors
  /// (EPIPE, ECONNRESET, ...) come as berth::Error with syscall "write".
  template <WritableBytes Bytes>
  asio::awaitable<std::size_t> write(const Bytes& bytes) {
    Error error;
    std::size_t n = co_await write(bytes, error);
    if (error) throw error;
    co_return n;
  }
  template <WritableBytes Bytes>
  asio::awaitable<std::size_t> write(const Bytes& bytes, Error& error) {
    std::error_code ec;
    std::size_t n = co_await write(bytes, ec);
    set_error(error, ec, "write");
    co_return n;
  }
  /// Asio's own async_write: no coroutine frame of berth's around it.
  template <WritableBytes Bytes>
  asio::awaitable<std::size_t> write(const Bytes& bytes, std::error_code& ec) {
    return write_buffers(detail::as_const_buffers(bytes), ec);
  }
  /// Anything else: one error in berth's words rather than pages from inside Asio.
  template <class T, class... Rest>
    requires(!WritableBytes<T>)
  asio::awaitable<std::size_t> write(const T&, Rest&...) {
    static_assert(detail::not_writable_bytes<T>,
                  "berth::Stream::write takes bytes: a std::string_view (a std::string or a string literal "
                  "converts), a berth::BufferView or berth::Buffer, a std::span<const std::byte>, or an Asio "
                  "const buffer sequence such as asio::buffer(data, size)");
    co_return 0;
  }

  /// Writes what the kernel takes now without waiting; returns the bytes taken (any
  /// WritableBytes).
  template <WritableBytes Bytes>
  std::size_t try_write(const Bytes& bytes, Error& error) {
    std::error_code ec;
    std::size_t n = try_write(bytes, ec);
    set_error(error, ec, "write");
    return n;
  }
  template <WritableBytes Bytes>
  std::size_t try_write(const Bytes& bytes, std::error_code& ec) {
    ec.clear();
    if (!socket_.non_blocking()) socket_.non_blocking(true, ec);  // one ioctl, not one per call
    std::size_t n = socket_.write_some(detail::as_const_buffers(bytes), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) ec.clear();
    return n;
  }

  /// Half-closes: sends FIN after queued data and keeps reading.
  void shutdown_write();
  void shutdown_write(Error& error);
  /// Closes the socket (a graceful FIN unless data is unread).
  void close() noexcept;
  /// Closes with a TCP RST (SO_LINGER 0); the peer sees ECONNRESET.
  void reset() noexcept;
  /// Cancels pending operations; they complete with ECANCELED.
  void cancel() noexcept;
  /// Whether a TCP peer has reset the connection (the kernel's state is CLOSE),
  /// e.g. after a send consumed the ECONNRESET a later read would have reported.
  bool reset_by_peer() const noexcept;
  /// Whether the socket is open.
  bool is_open() const noexcept { return socket_.is_open(); }

  /// The local endpoint, as Node prints it (nullopt when closed).
  std::optional<AddressInfo> local_address() const;
  /// The peer's endpoint, as Node prints it (nullopt when closed or unknown).
  std::optional<AddressInfo> remote_address() const;

  /// TCP_NODELAY (ignored on Unix sockets).
  void set_no_delay(bool enable = true) noexcept;
  /// SO_KEEPALIVE with TCP_KEEPIDLE=initial_delay (when > 0), TCP_KEEPCNT=10,
  /// TCP_KEEPINTVL=1, as Node sets them (ignored on Unix sockets).
  void set_keep_alive(bool enable, unsigned initial_delay_seconds = 0) noexcept;

  /// Lets the stream keep the loop alive while it reads (the default).
  void ref() noexcept { handle_ref_.ref(); }
  /// Stops the stream's reads from keeping the loop alive (pending writes still do).
  void unref() noexcept { handle_ref_.unref(); }
  /// Whether the stream is ref'd.
  bool has_ref() const noexcept { return handle_ref_.has_ref(); }
  /// Whether the stream counts as active now (reading, or marked so by set_reading).
  bool active() const noexcept { return handle_ref_.active(); }
  /// For callers that wait on socket() directly, as the event layer does: marks the
  /// stream reading (libuv's uv_read_start / uv_read_stop), which keeps the loop alive
  /// while the stream is ref'd, or not reading. close() clears it.
  void set_reading(bool reading) noexcept {
    if (reading) handle_ref_.activate();
    else handle_ref_.deactivate();
  }

  /// For callers that write on socket() directly, as the event layer does: a pending
  /// request (libuv's uv_write_t) that keeps the loop alive while it lives, ref'd or not.
  HandleRef::Request request() const noexcept { return handle_ref_.request(); }

  /// The underlying Asio socket.
  socket_type& socket() noexcept { return socket_; }
  /// The executor the stream runs on.
  asio::any_io_executor get_executor() noexcept { return socket_.get_executor(); }

 private:
  bool is_tcp() const noexcept;
  // Success leaves an empty `error` untouched: an Error is large, and building and
  // moving one per operation was a sixth of an echo's instructions.
  static void set_error(Error& error, const std::error_code& ec, const char* syscall) {
    if (ec) [[unlikely]]
      error = Error::from_system(ec, syscall);
    else if (error)
      error = Error{};
  }

  // read_until once the FIN has been read: only what `buffer` holds can end it.
  template <DynamicBytes Storage, ReadDelimiter Delimiter>
  static std::size_t end_of_stream_search(const Storage& buffer, const Delimiter& delimiter, Error& error,
                                          std::size_t max_size) {
    std::string_view held(reinterpret_cast<const char*>(buffer.data()), buffer.size());
    std::size_t at;
    std::size_t length = 1;
    if constexpr (std::same_as<Delimiter, char>) {
      at = held.find(delimiter);
    } else {
      std::string_view text = delimiter;
      at = held.find(text);
      length = text.size();
    }
    if (at != std::string_view::npos && at + length <= max_size) {
      if (error) error = Error{};
      return at + length;
    }
    if (held.size() >= max_size) error = detail::read_limit_error(max_size);
    else if (error) error = Error{};
    return 0;
  }

  template <class ConstBufferSequence>
  asio::awaitable<std::size_t> write_buffers(const ConstBufferSequence& buffers, std::error_code& ec) {
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    return asio::async_initiate<decltype(token), void(std::error_code, std::size_t)>(
        [this](auto handler, const ConstBufferSequence& b) {
          // A write is a request (libuv's uv_write_t): it keeps the loop alive, ref'd or not.
          asio::async_write(socket_, b,
                            detail::GuardedHandler<decltype(handler), HandleRef::Request>{
                                std::move(handler), handle_ref_.request()});
        },
        token, buffers);
  }

  socket_type socket_;
  HandleRef handle_ref_;
  // The peer's FIN has been read. A read after it returns the end again at once: Asio's
  // epoll reactor would otherwise wait for a readiness edge that never comes again.
  bool at_end_ = false;
};

}  // namespace berth
