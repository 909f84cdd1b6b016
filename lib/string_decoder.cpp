#include "berth/string_decoder.hpp"

#include <algorithm>
#include <cstring>
#include <span>

namespace berth {
namespace {

// The length a UTF-8 lead byte announces, as Node's decoder reads it: by its top bits
// alone, so C0, C1 and F5..F7 announce characters that will decode to U+FFFD. 0 when the
// byte announces no multi-byte character.
std::size_t announced_length(std::uint8_t lead) noexcept {
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 0;
}

// memcpy that accepts the null pointer of an empty BufferView.
void copy_bytes(std::uint8_t* dst, const std::uint8_t* src, std::size_t n) noexcept {
  if (n > 0) std::memcpy(dst, src, n);
}

void decode_into(const std::uint8_t* p, std::size_t n, Encoding enc, std::string& out) {
  decodeInto(std::span<const std::uint8_t>(p, n), enc, out);
}

}  // namespace

StringDecoder::StringDecoder(std::string_view encoding)
    : encoding_(encoding.empty() ? Encoding::utf8 : toEncoding(encoding)) {}

std::string StringDecoder::write(BufferView bytes) {
  std::string out;
  write(bytes, out);
  return out;
}

void StringDecoder::write(BufferView bytes, std::string& out) {
  switch (encoding_) {
    case Encoding::utf8: write_utf8(bytes.data(), bytes.size(), out); return;
    case Encoding::utf16le: write_utf16le(bytes.data(), bytes.size(), out); return;
    case Encoding::base64:
    case Encoding::base64url: write_base64(bytes.data(), bytes.size(), out); return;
    case Encoding::hex:
    case Encoding::latin1:
    case Encoding::ascii: decodeInto(bytes, encoding_, out); return;
  }
}

std::string StringDecoder::end(BufferView bytes) {
  std::string out;
  end(bytes, out);
  return out;
}

void StringDecoder::end(BufferView bytes, std::string& out) {
  write(bytes, out);
  if (encoding_ == Encoding::utf16le) {
    // Like Node, drop a lone trailing byte; an unpaired high surrogate becomes U+FFFD.
    if (high_surrogate_ != 0) out.append("\xEF\xBF\xBD");
  } else if (buffered_ > 0) {
    decode_into(pending_.data(), buffered_, encoding_, out);
  }
  buffered_ = 0;
  missing_ = 0;
  high_surrogate_ = 0;
}

void StringDecoder::write_utf8(const std::uint8_t* p, std::size_t n, std::string& out) {
  if (missing_ > 0) {
    // Complete the character begun in an earlier chunk. A byte that is not a
    // continuation byte ends it early; it is then decoded as it stands (to U+FFFD).
    std::size_t take = 0;
    bool cut_short = false;
    while (take < n && take < missing_) {
      if ((p[take] & 0xC0) != 0x80) {
        cut_short = true;
        break;
      }
      ++take;
    }
    copy_bytes(pending_.data() + buffered_, p, take);
    buffered_ = static_cast<std::uint8_t>(buffered_ + take);
    p += take;
    n -= take;
    missing_ = cut_short ? 0 : static_cast<std::uint8_t>(missing_ - take);
    if (missing_ > 0) return;
    decode_into(pending_.data(), buffered_, Encoding::utf8, out);
    buffered_ = 0;
  }
  if (n == 0) return;

  // Keep back a character the chunk ends inside of: scan back over at most three
  // continuation bytes to the lead byte and compare what it announces with what came.
  std::size_t keep = 0;
  if (p[n - 1] & 0x80) {
    std::size_t seen = 0;
    for (std::size_t i = n; i-- > 0;) {
      ++seen;
      if ((p[i] & 0xC0) == 0x80) {
        if (seen >= 4 || i == 0) break;
        continue;
      }
      const std::size_t length = announced_length(p[i]);
      if (length > seen) {
        keep = seen;
        missing_ = static_cast<std::uint8_t>(length - seen);
      }
      break;
    }
  }
  decode_into(p, n - keep, Encoding::utf8, out);
  copy_bytes(pending_.data(), p + n - keep, keep);
  buffered_ = static_cast<std::uint8_t>(keep);
}

void StringDecoder::write_utf16le(const std::uint8_t* p, std::size_t n, std::string& out) {
  if (buffered_ == 1 && n > 0) {
    pending_[1] = *p++;
    --n;
    detail::decode_utf16_units(pending_.data(), 1, high_surrogate_, out);
    buffered_ = 0;
  }
  detail::decode_utf16_units(p, n / 2, high_surrogate_, out);
  if (n % 2 == 1) {
    pending_[0] = p[n - 1];
    buffered_ = 1;
  }
}

void StringDecoder::write_base64(const std::uint8_t* p, std::size_t n, std::string& out) {
  // Encode whole 3-byte groups only, so the concatenated output carries no inner padding.
  if (buffered_ > 0) {
    const std::size_t take = std::min<std::size_t>(3u - buffered_, n);
    copy_bytes(pending_.data() + buffered_, p, take);
    buffered_ = static_cast<std::uint8_t>(buffered_ + take);
    p += take;
    n -= take;
    if (buffered_ < 3) return;
    decode_into(pending_.data(), 3, encoding_, out);
    buffered_ = 0;
  }
  const std::size_t rest = n % 3;
  decode_into(p, n - rest, encoding_, out);
  copy_bytes(pending_.data(), p + n - rest, rest);
  buffered_ = static_cast<std::uint8_t>(rest);
}

}  // namespace berth
