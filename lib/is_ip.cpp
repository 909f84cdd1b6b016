#include "berth/is_ip.hpp"

// Hand-written equivalents of the regular expressions in Node v20's
// lib/internal/net.js: one pass, no allocation, no backtracking.

namespace berth {
namespace {

// Hex digit values, -1 for anything else.
constexpr std::array<std::int8_t, 256> kHexValue = [] {
  std::array<std::int8_t, 256> table{};
  for (auto& v : table) v = -1;
  for (int c = '0'; c <= '9'; ++c) table[c] = static_cast<std::int8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) table[c] = static_cast<std::int8_t>(c - 'a' + 10);
  for (int c = 'A'; c <= 'F'; ++c) table[c] = static_cast<std::int8_t>(c - 'A' + 10);
  return table;
}();

// Node's zone id class: [0-9a-zA-Z-.:]
constexpr std::array<bool, 256> kZoneChar = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c)
    table[c] = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
               c == '.' || c == ':';
  return table;
}();

// The groups of an IPv6 text in the order written; `gap` is where `::` stands
// (an index into groups) or -1.
struct Ipv6Groups {
  std::uint16_t values[8];
  int count = 0;
  int gap = -1;
};

bool scan_ipv6(std::string_view text, Ipv6Groups& groups) noexcept {
  // The longest valid text is six groups of four plus a dotted quad: 45 chars.
  if (text.size() < 2 || text.size() > 45) return false;
  const char* p = text.data();
  const char* const end = p + text.size();
  int count = 0;
  int gap = -1;
  if (*p == ':') {
    if (p[1] != ':') return false;
    gap = 0;
    p += 2;
  }
  while (p != end) {
    const char* const group_start = p;
    unsigned value = 0;
    int digits = 0;
    for (int v; p != end && (v = kHexValue[static_cast<unsigned char>(*p)]) >= 0; ++p) {
      if (++digits > 4) return false;
      value = value << 4 | static_cast<unsigned>(v);
    }
    if (digits == 0) return false;
    if (p != end && *p == '.') {
      // An IPv4 tail: it must end the text and fill the last two groups.
      std::array<std::uint8_t, 4> quad;
      if (count > 6 ||
          !detail::parse_ipv4({group_start, static_cast<std::size_t>(end - group_start)}, quad))
        return false;
      groups.values[count++] = static_cast<std::uint16_t>(quad[0] << 8 | quad[1]);
      groups.values[count++] = static_cast<std::uint16_t>(quad[2] << 8 | quad[3]);
      break;
    }
    if (count == 8) return false;
    groups.values[count++] = static_cast<std::uint16_t>(value);
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
  groups.count = count;
  groups.gap = gap;
  return true;
}

}  // namespace
}  // namespace berth

namespace berth::detail {

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
  Ipv6Groups groups;
  if (!scan_ipv6(text, groups)) return false;
  // Groups before the gap stay in front, the rest move to the back, zeros between.
  const int tail = groups.gap < 0 ? 0 : groups.count - groups.gap;
  const int head = groups.count - tail;
  out = {};
  for (int i = 0; i < head; ++i) {
    out[2 * i] = static_cast<std::uint8_t>(groups.values[i] >> 8);
    out[2 * i + 1] = static_cast<std::uint8_t>(groups.values[i]);
  }
  for (int i = 0; i < tail; ++i) {
    const std::uint16_t value = groups.values[head + i];
    out[2 * (8 - tail + i)] = static_cast<std::uint8_t>(value >> 8);
    out[2 * (8 - tail + i) + 1] = static_cast<std::uint8_t>(value);
  }
  return true;
}

}  // namespace berth::detail

namespace berth::net {

bool isIPv4(std::string_view input) noexcept {
  std::array<std::uint8_t, 4> bytes;
  return berth::detail::parse_ipv4(input, bytes);
}

bool isIPv6(std::string_view input) noexcept {
  std::string_view address = input;
  if (auto percent = input.find('%'); percent != std::string_view::npos) {
    std::string_view zone = input.substr(percent + 1);
    if (zone.empty()) return false;
    for (char c : zone)
      if (!kZoneChar[static_cast<unsigned char>(c)]) return false;
    address = input.substr(0, percent);
  }
  Ipv6Groups groups;
  return scan_ipv6(address, groups);
}

int isIP(std::string_view input) noexcept {
  if (isIPv4(input)) return 4;
  if (isIPv6(input)) return 6;
  return 0;
}

}  // namespace berth::net
