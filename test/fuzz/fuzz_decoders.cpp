// libFuzzer target for berth's streaming text decoders (StringDecoder) and the
// whole-buffer codecs they build on.
//
// Input: byte 0 picks the encoding (utf8, utf16le, base64, base64url, hex,
// latin1, ascii), byte 1 seeds the piece sizes of one extra split, the rest
// (at most 512 bytes, so that splitting everywhere stays cheap) is the data.
//
// Oracles:
// - decoding in two pieces, split at every position, equals decoding the whole;
//   so do one-byte pieces and pieces of 1 to 8 bytes chosen by byte 1;
// - the whole, streamed, equals decode() of the whole buffer;
// - every piece of output is well-formed UTF-8 on its own (no character split);
// - a decoder is as good as new after end();
// - hex, base64, base64url and latin1 text encodes back to the bytes it came from.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "berth/buffer.hpp"
#include "berth/encoding.hpp"
#include "berth/string_decoder.hpp"
#include "check.hpp"

namespace {

constexpr berth::Encoding encodings[] = {berth::Encoding::utf8,      berth::Encoding::utf16le,
                                         berth::Encoding::base64,    berth::Encoding::base64url,
                                         berth::Encoding::hex,       berth::Encoding::latin1,
                                         berth::Encoding::ascii};

// Well-formed UTF-8 as Unicode defines it: shortest forms, no surrogates, at
// most U+10FFFF.
bool well_formed_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto b = static_cast<unsigned char>(s[i]);
    std::size_t len;
    std::uint32_t cp;
    if (b < 0x80) {
      ++i;
      continue;
    } else if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
      cp = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3;
      cp = b & 0x0F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
      cp = b & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return false;
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;
    i += len;
  }
  return true;
}

// Streams `data` through `decoder` in pieces whose sizes `next_size` gives.
template <class NextSize>
std::string stream(berth::StringDecoder& decoder, const std::uint8_t* data, std::size_t n, NextSize next_size) {
  std::string out;
  std::size_t at = 0;
  while (at < n) {
    std::size_t len = std::min(next_size(), n - at);
    std::string piece = decoder.write(berth::BufferView(data + at, len));
    EXPECT(well_formed_utf8(piece));
    out += piece;
    at += len;
  }
  std::string last = decoder.end();
  EXPECT(well_formed_utf8(last));
  return out + last;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* input, std::size_t size) {
  if (size < 2) return 0;
  const berth::Encoding enc = encodings[input[0] % std::size(encodings)];
  const std::uint8_t seed = input[1];
  const std::uint8_t* data = input + 2;
  const std::size_t n = std::min<std::size_t>(size - 2, 512);

  berth::StringDecoder decoder(enc);
  const std::string whole = stream(decoder, data, n, [&] { return n == 0 ? 1 : n; });
  EXPECT(whole == berth::decode(std::span<const std::uint8_t>(data, n), enc));
  // The same decoder, reused after end(), gives the same again.
  EXPECT(stream(decoder, data, n, [&] { return n == 0 ? 1 : n; }) == whole);

  for (std::size_t split = 0; split <= n; ++split) {
    berth::StringDecoder d(enc);
    std::string a = d.write(berth::BufferView(data, split));
    std::string b = d.write(berth::BufferView(data + split, n - split));
    std::string c = d.end();
    EXPECT(well_formed_utf8(a));
    EXPECT(well_formed_utf8(b));
    EXPECT(well_formed_utf8(c));
    EXPECT(a + b + c == whole);
  }
  {
    berth::StringDecoder d(enc);
    EXPECT(stream(d, data, n, [] { return std::size_t{1}; }) == whole);
  }
  {
    berth::StringDecoder d(enc);
    std::uint32_t state = seed * 2654435761u + 1;
    EXPECT(stream(d, data, n, [&] {
             state = state * 1103515245u + 12345u;
             return std::size_t{1} + (state >> 16) % 8;
           }) == whole);
  }

  // Text that came from bytes goes back to the same bytes.
  if (enc == berth::Encoding::hex || enc == berth::Encoding::base64 || enc == berth::Encoding::base64url ||
      enc == berth::Encoding::latin1) {
    std::vector<std::uint8_t> back = berth::encode(whole, enc);
    EXPECT(back == std::vector<std::uint8_t>(data, data + n));
  }
  return 0;
}
