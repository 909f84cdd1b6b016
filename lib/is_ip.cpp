#include "berth/is_ip.hpp"

// Hand-written equivalents of the regular expressions in Node v20's
// lib/internal/net.js: one pass, no allocation, no backtracking.

namespace berth::net {
namespace {

constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Node's zone id class: [0-9a-zA-Z-.:]
constexpr bool is_zone_char(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         c == '-' || c == '.' || c == ':';
}

}  // namespace

namespace detail {

bool parse_ipv4(std::string_view text, std::array<std::uint8_t, 4>& out) noexcept {
  if (text.size() < 7 || text.size() > 15) return false;
  const char* p = text.data();
  const char* const end = p + text.size();
  for (int octet = 0; octet < 4; ++octet) {
    if (octet != 0) {
      if (p == end || *p != '.') return false;
      ++p;
    }
    if (p == end) return false;
    unsigned value = static_cast<unsigned>(*p - '0');
    if (value > 9) return false;
    ++p;
    // A leading 0 is a whole octet: a digit after it fails at the '.' check.
    if (value != 0) {
      for (int more = 0; more < 2 && p != end; ++more, ++p) {
        unsigned digit = static_cast<unsigned>(*p - '0');
        if (digit > 9) break;
        value = value * 10 + digit;
      }
      if (value > 255) return false;
    }
    out[octet] = static_cast<std::uint8_t>(value);
  }
  return p == end;
}

bool parse_ipv6(std::string_view text, std::array<std::uint8_t, 16>& out) noexcept {
  // The longest valid text is six groups of four plus a dotted quad: 45 chars.
  if (text.size() < 2 || text.size() > 45) return false;
  std::uint16_t groups[8];
  int count = 0;
  int gap = -1;  // where `::` stands, as an index into groups
  const char* p = text.data();
  const char* const end = p + text.size();
  if (*p == ':') {
    if (p[1] != ':') return false;
    gap = 0;
    p += 2;
  }
  while (p != end) {
    const char* const group_start = p;
    unsigned value = 0;
    int digits = 0;
    for (int v; p != end && digits <= 4 && (v = hex_value(*p)) >= 0; ++p, ++digits)
      value = value << 4 | static_cast<unsigned>(v);
    if (digits == 0 || digits > 4) return false;
    if (p != end && *p == '.') {
      // An IPv4 tail: it must end the text and fill the last two groups.
      std::array<std::uint8_t, 4> quad;
      if (count > 6 || !parse_ipv4({group_start, static_cast<std::size_t>(end - group_start)}, quad))
        return false;
      groups[count++] = static_cast<std::uint16_t>(quad[0] << 8 | quad[1]);
      groups[count++] = static_cast<std::uint16_t>(quad[2] << 8 | quad[3]);
      break;
    }
    if (count == 8) return false;
    groups[count++] = static_cast<std::uint16_t>(value);
    if (p == end) break;
    if (*p != ':') return false;
    if (++p == end) return false;  // a trailing single ':'
    if (*p == ':') {
      if (gap >= 0) return false;
      gap = count;
      ++p;
    }
  }
  if (gap < 0 ? count != 8 : count > 7) return false;
  // Groups before the gap stay in front, the rest move to the back, zeros between.
  const int tail = gap < 0 ? 0 : count - gap;
  const int head = count - tail;
  for (int i = 0; i < 8; ++i) {
    std::uint16_t g = i < head ? groups[i] : i >= 8 - tail ? groups[i - (8 - count)] : 0;
    out[2 * i] = static_cast<std::uint8_t>(g >> 8);
    out[2 * i + 1] = static_cast<std::uint8_t>(g);
  }
  return true;
}

}  // namespace detail

bool isIPv4(std::string_view input) noexcept {
  std::array<std::uint8_t, 4> bytes;
  return detail::parse_ipv4(input, bytes);
}

bool isIPv6(std::string_view input) noexcept {
  std::string_view address = input;
  if (auto percent = input.find('%'); percent != std::string_view::npos) {
    std::string_view zone = input.substr(percent + 1);
    if (zone.empty()) return false;
    for (char c : zone)
      if (!is_zone_char(c)) return false;
    address = input.substr(0, percent);
  }
  std::array<std::uint8_t, 16> bytes;
  return detail::parse_ipv6(address, bytes);
}

int isIP(std::string_view input) noexcept {
  if (isIPv4(input)) return 4;
  if (isIPv6(input)) return 6;
  return 0;
}

}  // namespace berth::net
