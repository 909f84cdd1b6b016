#include "berth/encoding.hpp"

#include <array>
#include <cstring>

#include "berth/error.hpp"

namespace berth {
namespace {

// Sentinel next_code_point() returns for an ill-formed sequence.
constexpr char32_t kIllFormed = 0xFFFFFFFF;
constexpr std::string_view kReplacementUtf8 = "\xEF\xBF\xBD";

// Reads one code point of UTF-8 at p (p != end) and advances past it; an ill-formed
// sequence yields kIllFormed and is skipped up to the end of its maximal subpart.
char32_t next_code_point(const std::uint8_t*& p, const std::uint8_t* end) noexcept {
  const std::uint8_t lead = *p++;
  if (lead < 0x80) return lead;
  int more;
  char32_t cp;
  std::uint8_t lo = 0x80, hi = 0xBF;  // the range the next byte must fall in
  if (lead >= 0xC2 && lead <= 0xDF) {
    more = 1;
    cp = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    more = 2;
    cp = lead & 0x0F;
    if (lead == 0xE0) lo = 0xA0;       // no overlong forms
    else if (lead == 0xED) hi = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    more = 3;
    cp = lead & 0x07;
    if (lead == 0xF0) lo = 0x90;
    else if (lead == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return kIllFormed;
  }
  for (; more > 0; --more) {
    if (p == end || *p < lo || *p > hi) return kIllFormed;
    cp = cp << 6 | (*p++ & 0x3F);
    lo = 0x80;
    hi = 0xBF;
  }
  return cp;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    const char s[2] = {static_cast<char>(0xC0 | cp >> 6), static_cast<char>(0x80 | (cp & 0x3F))};
    out.append(s, 2);
  } else if (cp < 0x10000) {
    const char s[3] = {static_cast<char>(0xE0 | cp >> 12),
                       static_cast<char>(0x80 | (cp >> 6 & 0x3F)),
                       static_cast<char>(0x80 | (cp & 0x3F))};
    out.append(s, 3);
  } else {
    const char s[4] = {static_cast<char>(0xF0 | cp >> 18),
                       static_cast<char>(0x80 | (cp >> 12 & 0x3F)),
                       static_cast<char>(0x80 | (cp >> 6 & 0x3F)),
                       static_cast<char>(0x80 | (cp & 0x3F))};
    out.append(s, 4);
  }
}

// Reads UTF-8 text as the UTF-16 code units of the equivalent JavaScript string.
class CodeUnitReader {
 public:
  explicit CodeUnitReader(std::string_view text) noexcept
      : p_(reinterpret_cast<const std::uint8_t*>(text.data())), end_(p_ + text.size()) {}

  bool next(char16_t& unit) noexcept;

 private:
  const std::uint8_t* p_;
  const std::uint8_t* end_;
  char16_t low_ = 0;  // the second half of a surrogate pair, not yet returned
};

bool CodeUnitReader::next(char16_t& unit) noexcept {
  if (low_ != 0) {
    unit = low_;
    low_ = 0;
    return true;
  }
  if (p_ == end_) return false;
  char32_t cp = next_code_point(p_, end_);
  if (cp == kIllFormed) cp = 0xFFFD;
  if (cp >= 0x10000) {
    cp -= 0x10000;
    unit = static_cast<char16_t>(0xD800 | cp >> 10);
    low_ = static_cast<char16_t>(0xDC00 | (cp & 0x3FF));
  } else {
    unit = static_cast<char16_t>(cp);
  }
  return true;
}

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kBase64UrlAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Value of a base64 digit of either alphabet, or -1.
constexpr std::array<std::int8_t, 256> kBase64Values = [] {
  std::array<std::int8_t, 256> t{};
  t.fill(-1);
  for (int i = 0; i < 64; ++i) {
    t[static_cast<unsigned char>(kBase64Alphabet[i])] = static_cast<std::int8_t>(i);
    t[static_cast<unsigned char>(kBase64UrlAlphabet[i])] = static_cast<std::int8_t>(i);
  }
  return t;
}();

constexpr int hex_value(std::uint8_t c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != b[i]) return false;
  }
  return true;
}

std::size_t count_units(std::string_view text) noexcept {
  CodeUnitReader reader(text);
  std::size_t n = 0;
  char16_t unit;
  while (reader.next(unit)) ++n;
  return n;
}

std::size_t base64_length(std::string_view text) noexcept {
  // Node's base64ByteLength: three quarters of the length, less up to two trailing '='.
  std::size_t n = count_units(text);
  if (!text.empty() && text.back() == '=') {
    --n;
    if (n > 1 && text[text.size() - 2] == '=') --n;
  }
  return (n * 3) >> 2;
}

std::size_t encode_hex(std::string_view text, std::uint8_t* out) noexcept {
  // Node reads pairs of code units, low byte only, and stops at the first bad pair; an
  // odd unit at the end is ignored.
  CodeUnitReader reader(text);
  std::size_t n = 0;
  char16_t hi, lo;
  while (reader.next(hi) && reader.next(lo)) {
    const int a = hex_value(static_cast<std::uint8_t>(hi));
    const int b = hex_value(static_cast<std::uint8_t>(lo));
    if (a < 0 || b < 0) break;
    out[n++] = static_cast<std::uint8_t>(a << 4 | b);
  }
  return n;
}

std::size_t encode_base64(std::string_view text, std::uint8_t* out) noexcept {
  // Node skips what is not a digit of either alphabet (judged by the low byte of each
  // code unit), stops at '=', and never writes more than base64_length() bytes.
  const std::size_t limit = base64_length(text);
  CodeUnitReader reader(text);
  std::size_t n = 0;
  std::uint32_t group = 0;
  int digits = 0;
  char16_t unit;
  while (reader.next(unit)) {
    const auto c = static_cast<std::uint8_t>(unit);
    const int v = kBase64Values[c];
    if (v < 0) {
      if (c == '=') break;
      continue;
    }
    group = group << 6 | static_cast<std::uint32_t>(v);
    if (++digits == 4) {
      out[n++] = static_cast<std::uint8_t>(group >> 16);
      out[n++] = static_cast<std::uint8_t>(group >> 8);
      out[n++] = static_cast<std::uint8_t>(group);
      group = 0;
      digits = 0;
    }
  }
  if (digits >= 2) {
    group <<= 6 * (4 - digits);
    out[n++] = static_cast<std::uint8_t>(group >> 16);
    if (digits == 3) out[n++] = static_cast<std::uint8_t>(group >> 8);
  }
  return n < limit ? n : limit;
}

void decode_utf8(const std::uint8_t* p, std::size_t size, std::string& out) {
  const std::uint8_t* const end = p + size;
  const std::uint8_t* run = p;  // start of the well-formed bytes not yet copied
  while (p != end) {
    // Skip ASCII eight bytes at a time.
    while (end - p >= 8) {
      std::uint64_t word;
      std::memcpy(&word, p, 8);
      if (word & 0x8080808080808080u) break;
      p += 8;
    }
    if (p == end) break;
    if (*p < 0x80) {
      ++p;
      continue;
    }
    const std::uint8_t* start = p;
    if (next_code_point(p, end) == kIllFormed) {
      out.append(reinterpret_cast<const char*>(run), reinterpret_cast<const char*>(start));
      out.append(kReplacementUtf8);
      run = p;
    }
  }
  out.append(reinterpret_cast<const char*>(run), reinterpret_cast<const char*>(end));
}

void decode_latin1(const std::uint8_t* p, std::size_t size, std::string& out) {
  for (std::size_t i = 0; i < size; ++i) append_utf8(out, p[i]);
}

void decode_ascii(const std::uint8_t* p, std::size_t size, std::string& out) {
  const std::size_t old_size = out.size();
  out.resize(old_size + size);
  for (std::size_t i = 0; i < size; ++i) out[old_size + i] = static_cast<char>(p[i] & 0x7F);
}

void decode_hex(const std::uint8_t* p, std::size_t size, std::string& out) {
  const std::size_t old_size = out.size();
  out.resize(old_size + 2 * size);
  char* dst = out.data() + old_size;
  for (std::size_t i = 0; i < size; ++i) {
    *dst++ = kHexDigits[p[i] >> 4];
    *dst++ = kHexDigits[p[i] & 0x0F];
  }
}

void decode_base64(const std::uint8_t* p, std::size_t size, const char* alphabet, bool pad,
                   std::string& out) {
  const std::size_t full = size / 3 * 3;
  out.reserve(out.size() + (size + 2) / 3 * 4);
  for (std::size_t i = 0; i < full; i += 3) {
    const std::uint32_t g = std::uint32_t{p[i]} << 16 | std::uint32_t{p[i + 1]} << 8 | p[i + 2];
    const char chunk[4] = {alphabet[g >> 18], alphabet[g >> 12 & 63], alphabet[g >> 6 & 63],
                           alphabet[g & 63]};
    out.append(chunk, 4);
  }
  const std::size_t rest = size - full;
  if (rest == 0) return;
  std::uint32_t g = std::uint32_t{p[full]} << 16;
  if (rest == 2) g |= std::uint32_t{p[full + 1]} << 8;
  out.push_back(alphabet[g >> 18]);
  out.push_back(alphabet[g >> 12 & 63]);
  if (rest == 2) out.push_back(alphabet[g >> 6 & 63]);
  if (pad) out.append(rest == 1 ? "==" : "=");
}

}  // namespace

namespace detail {

void decode_utf16_units(const std::uint8_t* p, std::size_t units, char16_t& high,
                        std::string& out) {
  for (std::size_t i = 0; i < units; ++i, p += 2) {
    const auto unit = static_cast<char16_t>(p[0] | p[1] << 8);
    if (high != 0) {
      if (unit >= 0xDC00 && unit <= 0xDFFF) {
        append_utf8(out, 0x10000 + ((char32_t{high} - 0xD800) << 10) + (unit - 0xDC00));
        high = 0;
        continue;
      }
      out.append(kReplacementUtf8);
      high = 0;
    }
    if (unit >= 0xD800 && unit <= 0xDBFF) high = unit;
    else if (unit >= 0xDC00 && unit <= 0xDFFF) out.append(kReplacementUtf8);
    else if (unit < 0x80) out.push_back(static_cast<char>(unit));
    else append_utf8(out, unit);
  }
}

std::size_t encode_to(std::string_view text, Encoding enc, std::uint8_t* out) noexcept {
  switch (enc) {
    case Encoding::utf8:
      if (!text.empty()) std::memcpy(out, text.data(), text.size());
      return text.size();
    case Encoding::latin1:
    case Encoding::ascii: {
      // Node writes the low byte of each code unit for both.
      CodeUnitReader reader(text);
      std::size_t n = 0;
      char16_t unit;
      while (reader.next(unit)) out[n++] = static_cast<std::uint8_t>(unit);
      return n;
    }
    case Encoding::utf16le: {
      CodeUnitReader reader(text);
      std::size_t n = 0;
      char16_t unit;
      while (reader.next(unit)) {
        out[n++] = static_cast<std::uint8_t>(unit);
        out[n++] = static_cast<std::uint8_t>(unit >> 8);
      }
      return n;
    }
    case Encoding::hex:
      return encode_hex(text, out);
    case Encoding::base64:
    case Encoding::base64url:
      return encode_base64(text, out);
  }
  return 0;
}

}  // namespace detail

std::string_view encodingName(Encoding enc) noexcept {
  switch (enc) {
    case Encoding::utf8: return "utf8";
    case Encoding::hex: return "hex";
    case Encoding::base64: return "base64";
    case Encoding::base64url: return "base64url";
    case Encoding::latin1: return "latin1";
    case Encoding::ascii: return "ascii";
    case Encoding::utf16le: return "utf16le";
  }
  return "utf8";
}

std::optional<Encoding> parseEncoding(std::string_view name) noexcept {
  struct Alias { std::string_view name; Encoding enc; };
  static constexpr Alias aliases[] = {
      {"utf8", Encoding::utf8},       {"utf-8", Encoding::utf8},
      {"hex", Encoding::hex},         {"base64", Encoding::base64},
      {"base64url", Encoding::base64url},
      {"latin1", Encoding::latin1},   {"binary", Encoding::latin1},
      {"ascii", Encoding::ascii},     {"utf16le", Encoding::utf16le},
      {"utf-16le", Encoding::utf16le}, {"ucs2", Encoding::utf16le},
      {"ucs-2", Encoding::utf16le},
  };
  for (const Alias& a : aliases)
    if (iequals(name, a.name)) return a.enc;
  return std::nullopt;
}

Encoding toEncoding(std::string_view name) {
  if (auto enc = parseEncoding(name)) return *enc;
  throw Error("ERR_UNKNOWN_ENCODING", "Unknown encoding: " + std::string(name),
              ErrorKind::TypeError);
}

std::size_t encodedLength(std::string_view text, Encoding enc) noexcept {
  switch (enc) {
    case Encoding::utf8: return text.size();
    case Encoding::latin1:
    case Encoding::ascii: return count_units(text);
    case Encoding::utf16le: return 2 * count_units(text);
    case Encoding::hex: return count_units(text) / 2;
    case Encoding::base64:
    case Encoding::base64url: return base64_length(text);
  }
  return 0;
}

std::vector<std::uint8_t> encode(std::string_view text, Encoding enc) {
  std::vector<std::uint8_t> out;
  encodeInto(text, enc, out);
  return out;
}

void decodeInto(std::span<const std::uint8_t> bytes, Encoding enc, std::string& out) {
  const std::uint8_t* p = bytes.data();
  const std::size_t n = bytes.size();
  switch (enc) {
    case Encoding::utf8: decode_utf8(p, n, out); return;
    case Encoding::latin1: decode_latin1(p, n, out); return;
    case Encoding::ascii: decode_ascii(p, n, out); return;
    case Encoding::hex: decode_hex(p, n, out); return;
    case Encoding::base64: decode_base64(p, n, kBase64Alphabet, true, out); return;
    case Encoding::base64url: decode_base64(p, n, kBase64UrlAlphabet, false, out); return;
    case Encoding::utf16le: {
      char16_t high = 0;
      detail::decode_utf16_units(p, n / 2, high, out);
      if (high != 0) out.append(kReplacementUtf8);  // a trailing odd byte is ignored
      return;
    }
  }
}

std::string decode(std::span<const std::uint8_t> bytes, Encoding enc) {
  std::string out;
  decodeInto(bytes, enc, out);
  return out;
}

}  // namespace berth
