#pragma once
// berth::BufferedReader: reads a Stream through one buffer that keeps the bytes read past
// a delimiter for the next call (lines, CRLF-framed protocols, length-prefixed bodies).

#include <asio/awaitable.hpp>
#include <asio/buffer.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "berth/error.hpp"
#include "berth/stream.hpp"

namespace berth {

/// A read buffer over a Stream, as Go's bufio.Reader or Asio's read_until with a kept
/// dynamic buffer: each call returns the next piece (a line, the bytes up to a delimiter,
/// exactly n bytes) and keeps whatever the same read brought past it for the calls that
/// follow, so nothing read is lost between calls and reading a pipelined protocol costs one
/// read per kernel buffer, not per line.
///
/// The views returned point into the reader's buffer and stay valid until the next call on
/// the reader (copy into a std::string to keep one longer). Every call comes in two forms,
/// as on Stream: one throws berth::Error, the other takes a `berth::Error&` and leaves it
/// empty on success; after an error the bytes already read stay in buffered().
///
/// The reader holds a reference to the stream, which must outlive it; while the reader is
/// in use, read the stream only through it (a direct read_some would skip buffered bytes).
/// Writes go to the stream as usual, also while a read of the reader is pending.
class BufferedReader {
 public:
  /// `max_size`: the most bytes, in bytes, buffered while looking for a delimiter, so the
  /// longest line or delimited piece (delimiter included); past it read_until and read_line
  /// fail with ENOBUFS. read_exactly is bounded by its own `n` instead.
  explicit BufferedReader(Stream& stream, std::size_t max_size = default_read_limit);

  /// The bytes up to and including the next `delimiter` (a char or a non-empty string).
  /// At end of stream: the bytes that came after the last delimiter, if any (they do not
  /// end with it), then an empty view. Errors: ENOBUFS when max_size bytes hold no
  /// delimiter, ERR_INVALID_ARG_VALUE on an empty delimiter, the read's error (ECONNRESET,
  /// ...; syscall "read").
  asio::awaitable<std::string_view> read_until(char delimiter);
  asio::awaitable<std::string_view> read_until(char delimiter, Error& error);
  asio::awaitable<std::string_view> read_until(std::string_view delimiter);
  asio::awaitable<std::string_view> read_until(std::string_view delimiter, Error& error);

  /// The next line without its end: a line ends at "\n", and a "\r" just before it is
  /// dropped too ("\r\n" and "\n" both end lines; a lone "\r" is data). At end of stream:
  /// the last line if it has no "\n" (as Node's readline gives it), then nullopt. Errors as
  /// read_until's.
  asio::awaitable<std::optional<std::string_view>> read_line();
  asio::awaitable<std::optional<std::string_view>> read_line(Error& error);

  /// Exactly `n` bytes (buffered bytes first). A FIN before then is an error with code
  /// "EOF"; the bytes that came stay in buffered().
  asio::awaitable<std::string_view> read_exactly(std::size_t n);
  asio::awaitable<std::string_view> read_exactly(std::size_t n, Error& error);

  /// Some bytes into `buffer`: buffered ones if there are any (without reading the
  /// stream), else one read of the stream. 0 at end of stream.
  asio::awaitable<std::size_t> read_some(asio::mutable_buffer buffer);
  asio::awaitable<std::size_t> read_some(asio::mutable_buffer buffer, Error& error);

  /// The bytes read from the stream and not yet returned.
  std::string_view buffered() const noexcept {
    return std::string_view(buffer_).substr(start_ + returned_);
  }
  /// The bound given at construction, in bytes.
  std::size_t max_size() const noexcept { return max_size_; }
  /// The stream read.
  Stream& stream() noexcept { return *stream_; }

 private:
  template <class Delimiter>
  asio::awaitable<std::string_view> read_until_impl(Delimiter delimiter, Error& error);
  // Drops what the last call returned; moves the rest to the front before the buffer grows.
  void consume_returned() noexcept;
  void compact();
  std::string_view take(std::size_t n) noexcept;

  Stream* stream_;
  std::size_t max_size_;
  std::string buffer_;
  std::size_t start_ = 0;     // where unread bytes begin
  std::size_t returned_ = 0;  // bytes at start_ returned by the last call
};

}  // namespace berth
