#pragma once
// berth::Buffer and berth::BufferView: bytes, with the most used surface of Node's Buffer.
//
// A Buffer is a Uint8Array, so its elements are std::uint8_t. Buffer owns its bytes;
// BufferView is a non-owning, read-only view (pointer + length), the std::string_view of
// bytes. Functions that only read bytes take a BufferView, which anything holding bytes
// converts to implicitly: Buffer, std::string_view, std::string, a string literal (its
// characters, without the NUL), std::span<const std::byte>, std::vector<std::uint8_t>...
// The event layer hands 'data' listeners a BufferView over its reused read buffer, valid
// for the duration of the call: a listener that keeps the bytes copies them, `Buffer(view)`.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "berth/encoding.hpp"

namespace berth {

namespace detail {

// A contiguous range of byte-sized elements that BufferView may view. Arrays of
// characters are left out: a string literal is viewed through `const char*`, without
// its terminating NUL.
template <class R>
concept byte_range =
    std::ranges::contiguous_range<R> && std::ranges::sized_range<R> &&
    byte_like<std::ranges::range_value_t<R>> &&
    !(std::is_array_v<std::remove_cvref_t<R>> &&
      (std::same_as<std::ranges::range_value_t<R>, char> ||
       std::same_as<std::ranges::range_value_t<R>, char8_t>));

// A byte range that is not text: what Buffer::from copies as bytes.
template <class R>
concept binary_range = byte_range<R> && !std::same_as<std::ranges::range_value_t<R>, char> &&
                       !std::same_as<std::ranges::range_value_t<R>, char8_t>;

// Node's index clamping: a negative index counts from the end, then [0, size].
constexpr std::size_t clamp_index(std::ptrdiff_t i, std::size_t size) noexcept {
  if (i < 0) {
    const auto from_end = static_cast<std::size_t>(-(i + 1)) + 1;
    return from_end >= size ? 0 : size - from_end;
  }
  return static_cast<std::size_t>(i) > size ? size : static_cast<std::size_t>(i);
}

}  // namespace detail

/// A read-only view of bytes it does not own; it must not outlive them.
class BufferView {
 public:
  using value_type = std::uint8_t;
  using size_type = std::size_t;
  using const_iterator = const std::uint8_t*;
  using iterator = const_iterator;

  /// An end index meaning "to the end".
  static constexpr std::ptrdiff_t npos = std::numeric_limits<std::ptrdiff_t>::max();

  /// An empty view.
  constexpr BufferView() noexcept = default;

  /// A view of `size` bytes at `data`.
  BufferView(const void* data, std::size_t size) noexcept
      : data_(static_cast<const std::uint8_t*>(data)), size_(size) {}

  /// A view of the bytes of `text` (its UTF-8 as is: no encoding is applied).
  BufferView(std::string_view text) noexcept : BufferView(text.data(), text.size()) {}

  /// A view of a NUL-terminated string's bytes, without the NUL.
  BufferView(const char* text) noexcept : BufferView(std::string_view(text)) {}

  /// A view of a contiguous range of byte-sized elements: Buffer, std::string,
  /// std::span<const std::byte>, std::span<const unsigned char>, std::vector<std::uint8_t>...
  template <class R>
    requires(detail::byte_range<R> && !std::same_as<std::remove_cvref_t<R>, BufferView>)
  BufferView(R&& bytes) noexcept
      : BufferView(std::ranges::data(bytes), std::ranges::size(bytes)) {}

  /// `buf.length`: the number of bytes.
  std::size_t length() const noexcept { return size_; }
  /// The number of bytes.
  std::size_t size() const noexcept { return size_; }
  /// Whether there are no bytes.
  bool empty() const noexcept { return size_ == 0; }
  /// The first byte.
  const std::uint8_t* data() const noexcept { return data_; }
  /// `buf[i]`; `i` must be below length().
  const std::uint8_t& operator[](std::size_t i) const noexcept { return data_[i]; }
  /// Iterator to the first byte.
  const std::uint8_t* begin() const noexcept { return data_; }
  /// Iterator past the last byte.
  const std::uint8_t* end() const noexcept { return data_ + size_; }

  /// `buf.toString(enc, start, end)`: bytes [start, end) decoded. Unlike subarray(), and
  /// like Node, a negative start counts as 0 and end <= start gives "".
  std::string toString(Encoding enc = Encoding::utf8, std::ptrdiff_t start = 0,
                       std::ptrdiff_t end = npos) const;

  /// `buf.subarray(start, end)`: the bytes [start, end) as a view of the same memory; a
  /// negative index counts from the end, and end <= start gives an empty view.
  BufferView subarray(std::ptrdiff_t start = 0, std::ptrdiff_t end = npos) const noexcept {
    const std::size_t b = detail::clamp_index(start, size_);
    const std::size_t e = detail::clamp_index(end, size_);
    return e > b ? BufferView(data_ + b, e - b) : BufferView(data_ + b, 0);
  }

  /// `buf.equals(other)`: the same bytes.
  bool equals(BufferView other) const noexcept;

  /// `buf.compare(other)`: -1, 0 or 1 as these bytes sort before, with or after `other`.
  int compare(BufferView other) const noexcept;

  /// The bytes as characters.
  operator std::string_view() const noexcept {
    return {reinterpret_cast<const char*>(data_), size_};
  }
  /// The bytes as a span of std::byte (std::span<const std::uint8_t> converts from any
  /// BufferView or Buffer by itself).
  operator std::span<const std::byte>() const noexcept {
    return {reinterpret_cast<const std::byte*>(data_), size_};
  }

 private:
  const std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace berth

// A BufferView's iterators do not depend on the view object, like std::string_view's.
template <>
inline constexpr bool std::ranges::enable_borrowed_range<berth::BufferView> = true;

namespace berth {

/// Whether two byte sequences are equal; the other side may be anything a BufferView
/// views, so `buf == "hello"` compares bytes with a string literal's characters. (A
/// template so that it is an exact match for std::string_view, whose own == would
/// otherwise make `view == sv` ambiguous.)
template <class T>
  requires std::convertible_to<const T&, BufferView>
bool operator==(BufferView a, const T& b) noexcept {
  return a.equals(b);
}

/// An owning, mutable byte buffer.
class Buffer {
 public:
  using value_type = std::uint8_t;
  using size_type = std::size_t;
  using iterator = std::uint8_t*;
  using const_iterator = const std::uint8_t*;

  /// An end index meaning "to the end".
  static constexpr std::ptrdiff_t npos = BufferView::npos;

  /// An empty buffer.
  Buffer() noexcept = default;

  /// A copy of `bytes`.
  explicit Buffer(BufferView bytes) : bytes_(bytes.begin(), bytes.end()) {}

  /// A buffer that takes over `bytes` without copying.
  explicit Buffer(std::vector<std::uint8_t> bytes) noexcept : bytes_(std::move(bytes)) {}

  /// `Buffer.from(text, enc)`: the bytes `text` encodes to (see encode()).
  static Buffer from(std::string_view text, Encoding enc = Encoding::utf8) {
    return Buffer(encode(text, enc));
  }

  /// `Buffer.from(bytes)`: a copy of a buffer, a span of bytes, a vector of bytes...
  template <detail::binary_range R>
  static Buffer from(const R& bytes) {
    return Buffer(BufferView(bytes));
  }

  /// `Buffer.alloc(size, fill)`: `size` bytes, each `fill`.
  static Buffer alloc(std::size_t size, std::uint8_t fill = 0) {
    return Buffer(std::vector<std::uint8_t>(size, fill));
  }

  /// `Buffer.concat(list)`: the bytes of every element of `list`, one after the other.
  template <std::ranges::input_range R>
    requires std::convertible_to<std::ranges::range_reference_t<const R&>, BufferView>
  static Buffer concat(const R& list) {
    std::size_t total = 0;
    for (BufferView part : list) total += part.size();
    std::vector<std::uint8_t> bytes;
    bytes.reserve(total);
    for (BufferView part : list) bytes.insert(bytes.end(), part.begin(), part.end());
    return Buffer(std::move(bytes));
  }

  /// `Buffer.concat([a, b, ...])`.
  static Buffer concat(std::initializer_list<BufferView> list) {
    return concat<std::initializer_list<BufferView>>(list);
  }

  /// `Buffer.byteLength(text, enc)` (see encodedLength()).
  static std::size_t byteLength(std::string_view text, Encoding enc = Encoding::utf8) noexcept {
    return encodedLength(text, enc);
  }

  /// `Buffer.isEncoding(name)` (see parseEncoding()).
  static bool isEncoding(std::string_view name) noexcept {
    return parseEncoding(name).has_value();
  }

  /// `buf.length`: the number of bytes.
  std::size_t length() const noexcept { return bytes_.size(); }
  /// The number of bytes.
  std::size_t size() const noexcept { return bytes_.size(); }
  /// Whether there are no bytes.
  bool empty() const noexcept { return bytes_.empty(); }
  /// The first byte.
  std::uint8_t* data() noexcept { return bytes_.data(); }
  /// The first byte.
  const std::uint8_t* data() const noexcept { return bytes_.data(); }
  /// `buf[i]`; `i` must be below length().
  std::uint8_t& operator[](std::size_t i) noexcept { return bytes_[i]; }
  /// `buf[i]`; `i` must be below length().
  const std::uint8_t& operator[](std::size_t i) const noexcept { return bytes_[i]; }
  /// Iterator to the first byte.
  std::uint8_t* begin() noexcept { return bytes_.data(); }
  /// Iterator past the last byte.
  std::uint8_t* end() noexcept { return bytes_.data() + bytes_.size(); }
  /// Iterator to the first byte.
  const std::uint8_t* begin() const noexcept { return bytes_.data(); }
  /// Iterator past the last byte.
  const std::uint8_t* end() const noexcept { return bytes_.data() + bytes_.size(); }

  /// `buf.toString(enc, start, end)` (see BufferView::toString()).
  std::string toString(Encoding enc = Encoding::utf8, std::ptrdiff_t start = 0,
                       std::ptrdiff_t end = npos) const {
    return view().toString(enc, start, end);
  }

  /// `buf.subarray(start, end)`: a view of part of this buffer (see BufferView::subarray()).
  BufferView subarray(std::ptrdiff_t start = 0, std::ptrdiff_t end = npos) const noexcept {
    return view().subarray(start, end);
  }

  /// `buf.equals(other)`: the same bytes.
  bool equals(BufferView other) const noexcept { return view().equals(other); }

  /// `buf.compare(other)`: -1, 0 or 1 as these bytes sort before, with or after `other`.
  int compare(BufferView other) const noexcept { return view().compare(other); }

  /// A view of all the bytes.
  BufferView view() const noexcept { return BufferView(bytes_.data(), bytes_.size()); }

  /// The bytes as a span of std::byte.
  operator std::span<const std::byte>() const noexcept { return view(); }

 private:
  std::vector<std::uint8_t> bytes_;
};

}  // namespace berth
