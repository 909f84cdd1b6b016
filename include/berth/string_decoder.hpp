#pragma once
// berth::StringDecoder: Node's `string_decoder`, decoding a stream of byte chunks to text
// without splitting a character across chunks.
//
// Each write() returns the text of the complete characters received so far and keeps the
// bytes of an incomplete one for the next call; end() flushes what is left, an incomplete
// UTF-8 or UTF-16 character as U+FFFD and a base64 remainder with its padding. The chunks
// berth returns are the ones Node's decoder returns, with one difference: where Node
// would return half a surrogate pair at the end of one chunk and the other half at the
// start of the next (utf16le input split inside a pair), berth keeps the pair whole,
// since a lone surrogate has no UTF-8. Concatenated, the output is always Node's.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "berth/buffer.hpp"
#include "berth/encoding.hpp"

namespace berth {

/// A streaming decoder of bytes to UTF-8 text, in any of Node's encodings.
class StringDecoder {
 public:
  /// `new StringDecoder(enc)`.
  explicit StringDecoder(Encoding enc = Encoding::utf8) noexcept : encoding_(enc) {}

  /// `new StringDecoder(name)`: the empty name means utf8; an unknown one throws
  /// `TypeError [ERR_UNKNOWN_ENCODING]`.
  explicit StringDecoder(std::string_view encoding);

  /// `decoder.encoding`.
  Encoding encoding() const noexcept { return encoding_; }

  /// `decoder.write(bytes)`: the text of the characters `bytes` completes.
  std::string write(BufferView bytes);

  /// write(bytes), appended to `out` (no allocation once `out` has grown).
  void write(BufferView bytes, std::string& out);

  /// `decoder.end(bytes)`: write(bytes) and then the rest of any incomplete character;
  /// the decoder is then ready for a new stream.
  std::string end(BufferView bytes = {});

  /// end(bytes), appended to `out`.
  void end(BufferView bytes, std::string& out);

 private:
  void write_utf8(const std::uint8_t* p, std::size_t n, std::string& out);
  void write_utf16le(const std::uint8_t* p, std::size_t n, std::string& out);
  void write_base64(const std::uint8_t* p, std::size_t n, std::string& out);

  Encoding encoding_;
  std::array<std::uint8_t, 4> pending_{};  // bytes of an incomplete character
  std::uint8_t buffered_ = 0;              // how many of pending_ are in use
  std::uint8_t missing_ = 0;               // utf8: bytes still expected after them
  char16_t high_surrogate_ = 0;            // utf16le: a high surrogate awaiting its pair
};

}  // namespace berth
