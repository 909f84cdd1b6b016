#pragma once
// berth::Encoding: Node's character encodings, and conversion between text and bytes.
//
// Text in berth is UTF-8: `std::string_view` in, `std::string` out. Where Node works on
// the UTF-16 code units of a JavaScript string (latin1, ascii, utf16le, and the lenient
// hex and base64 parsers, which read the low byte of each code unit), berth reads the
// UTF-8 text as the code units of the same string: a code point above U+FFFF is a
// surrogate pair, and ill-formed UTF-8 reads as one U+FFFD per maximal subpart (WHATWG).
// The `utf8` encoding alone passes text through byte for byte, ill-formed or not.
// Decoding produces well-formed UTF-8; where Node's string would hold a lone surrogate
// (utf16le input), berth writes U+FFFD, as Node does when it writes that string as UTF-8.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace berth {

/// The encodings Node accepts wherever it takes an `encoding` argument.
enum class Encoding { utf8, hex, base64, base64url, latin1, ascii, utf16le };

/// Node's canonical name of an encoding: "utf8", "hex", "base64", "base64url", "latin1",
/// "ascii" or "utf16le".
std::string_view encodingName(Encoding enc) noexcept;

/// The encoding a name denotes, case-insensitively, as `Buffer.isEncoding` accepts it:
/// utf8, utf-8, hex, base64, base64url, latin1, binary, ascii, utf16le, utf-16le, ucs2,
/// ucs-2. Anything else, the empty string included, gives nullopt.
std::optional<Encoding> parseEncoding(std::string_view name) noexcept;

/// As parseEncoding, but an unknown name throws Node's
/// `TypeError [ERR_UNKNOWN_ENCODING]: Unknown encoding: <name>`.
Encoding toEncoding(std::string_view name);

/// `Buffer.byteLength(text, enc)`: exact for utf8, latin1, ascii and utf16le; for hex and
/// base64 Node's upper bound (half the length; three quarters of it less the padding),
/// which invalid input does not reach.
std::size_t encodedLength(std::string_view text, Encoding enc) noexcept;

/// The bytes `Buffer.from(text, enc)` holds, with Node's leniency: hex stops at the first
/// pair that is not two hex digits, base64 (either alphabet, under either name) skips
/// characters outside it and stops at the first '='.
std::vector<std::uint8_t> encode(std::string_view text, Encoding enc = Encoding::utf8);

/// `buf.toString(enc)`: ill-formed UTF-8 becomes U+FFFD per maximal subpart, ascii clears
/// each byte's top bit, hex is lower case, base64 is padded and base64url is not.
std::string decode(std::span<const std::uint8_t> bytes, Encoding enc = Encoding::utf8);

/// decode(bytes, enc), appended to `out`: reusing `out` keeps a hot path allocation-free.
void decodeInto(std::span<const std::uint8_t> bytes, Encoding enc, std::string& out);

namespace detail {

template <class T>
concept byte_like = std::same_as<std::remove_cv_t<T>, char> ||
                    std::same_as<std::remove_cv_t<T>, signed char> ||
                    std::same_as<std::remove_cv_t<T>, unsigned char> ||
                    std::same_as<std::remove_cv_t<T>, char8_t> ||
                    std::same_as<std::remove_cv_t<T>, std::byte>;

/// Writes encode(text, enc) to `out`, which has room for encodedLength(text, enc) bytes;
/// returns the number of bytes written.
std::size_t encode_to(std::string_view text, Encoding enc, std::uint8_t* out) noexcept;

/// Appends the UTF-8 of `units` UTF-16LE code units at `p`. `high` carries a high
/// surrogate still waiting for its pair from one call to the next (0: none).
void decode_utf16_units(const std::uint8_t* p, std::size_t units, char16_t& high,
                        std::string& out);

}  // namespace detail

/// A growable contiguous container of bytes: std::vector<std::uint8_t>, std::string,
/// std::vector<std::byte>...
template <class C>
concept ByteContainer = requires(C& c, std::size_t n) {
  c.resize(n);
  { c.size() } -> std::convertible_to<std::size_t>;
  requires detail::byte_like<std::remove_reference_t<decltype(*c.data())>>;
};

/// Appends encode(text, enc) to `out` and returns the number of bytes appended; a write
/// queue that reuses `out` encodes without allocating once it has grown.
template <ByteContainer C>
std::size_t encodeInto(std::string_view text, Encoding enc, C& out) {
  const std::size_t old_size = out.size();
  out.resize(old_size + encodedLength(text, enc));
  const std::size_t n =
      detail::encode_to(text, enc, reinterpret_cast<std::uint8_t*>(out.data()) + old_size);
  out.resize(old_size + n);
  return n;
}

}  // namespace berth
