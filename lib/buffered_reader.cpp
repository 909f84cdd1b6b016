#include "berth/buffered_reader.hpp"

#include <algorithm>
#include <cstring>

namespace berth {

BufferedReader::BufferedReader(Stream& stream, std::size_t max_size) : stream_(&stream), max_size_(max_size) {}

void BufferedReader::consume_returned() noexcept {
  start_ += returned_;
  returned_ = 0;
  if (start_ == buffer_.size()) {
    buffer_.clear();
    start_ = 0;
    // One long line must not pin its memory for the connection's life.
    if (buffer_.capacity() > default_read_limit) buffer_.shrink_to_fit();
  }
}

void BufferedReader::compact() {
  if (start_ == 0) return;
  buffer_.erase(0, start_);
  start_ = 0;
}

std::string_view BufferedReader::take(std::size_t n) noexcept {
  returned_ = n;
  return std::string_view(buffer_).substr(start_, n);
}

template <class Delimiter>
asio::awaitable<std::string_view> BufferedReader::read_until_impl(Delimiter delimiter, Error& error) {
  if (error) error = Error{};
  consume_returned();
  std::size_t length = 1;
  if constexpr (!std::is_same_v<Delimiter, char>) {
    length = delimiter.size();
    if (length == 0) {
      error = detail::empty_delimiter_error();
      co_return std::string_view{};
    }
  }
  // Bytes buffered by an earlier read are searched without reading the stream.
  std::size_t at = std::string_view(buffer_).find(delimiter, start_);
  if (at != std::string_view::npos) co_return take(at - start_ + length);
  // The stream's read_until searches the buffer from its front again, so what is left of
  // an earlier read moves there first; it is less than one read's worth.
  compact();
  std::size_t n = co_await stream_->read_until(buffer_, delimiter, error, max_size_);
  if (error) co_return std::string_view{};
  if (n == 0) co_return take(buffer_.size());  // end of stream: what came without a delimiter
  co_return take(n);
}

asio::awaitable<std::string_view> BufferedReader::read_until(char delimiter, Error& error) {
  return read_until_impl(delimiter, error);
}

asio::awaitable<std::string_view> BufferedReader::read_until(std::string_view delimiter, Error& error) {
  return read_until_impl(delimiter, error);
}

asio::awaitable<std::string_view> BufferedReader::read_until(char delimiter) {
  Error error;
  std::string_view piece = co_await read_until_impl(delimiter, error);
  if (error) throw error;
  co_return piece;
}

asio::awaitable<std::string_view> BufferedReader::read_until(std::string_view delimiter) {
  Error error;
  std::string_view piece = co_await read_until_impl(delimiter, error);
  if (error) throw error;
  co_return piece;
}

asio::awaitable<std::optional<std::string_view>> BufferedReader::read_line(Error& error) {
  std::string_view line = co_await read_until_impl('\n', error);
  if (error || line.empty()) co_return std::nullopt;
  if (line.back() == '\n') {
    line.remove_suffix(1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  }
  co_return line;
}

asio::awaitable<std::optional<std::string_view>> BufferedReader::read_line() {
  Error error;
  std::optional<std::string_view> line = co_await read_line(error);
  if (error) throw error;
  co_return line;
}

asio::awaitable<std::string_view> BufferedReader::read_exactly(std::size_t n, Error& error) {
  if (error) error = Error{};
  consume_returned();
  std::size_t available = buffer_.size() - start_;
  if (available < n) {
    compact();
    co_await stream_->read_exactly(buffer_, n - available, error);
    if (error) {
      if (error.code == "EOF") error = detail::end_of_stream_error(buffer_.size(), n);
      co_return std::string_view{};
    }
  }
  co_return take(n);
}

asio::awaitable<std::string_view> BufferedReader::read_exactly(std::size_t n) {
  Error error;
  std::string_view bytes = co_await read_exactly(n, error);
  if (error) throw error;
  co_return bytes;
}

asio::awaitable<std::size_t> BufferedReader::read_some(asio::mutable_buffer buffer, Error& error) {
  if (error) error = Error{};
  consume_returned();
  std::size_t available = buffer_.size() - start_;
  if (available == 0) co_return co_await stream_->read_some(buffer, error);
  std::size_t n = std::min(available, buffer.size());
  std::memcpy(buffer.data(), buffer_.data() + start_, n);
  returned_ = n;  // dropped by the next call, as a returned view would be
  co_return n;
}

asio::awaitable<std::size_t> BufferedReader::read_some(asio::mutable_buffer buffer) {
  Error error;
  std::size_t n = co_await read_some(buffer, error);
  if (error) throw error;
  co_return n;
}

}  // namespace berth
