#include "berth/socket_address.hpp"

#include <arpa/inet.h>
#include <net/if.h>

#include <algorithm>
#include <asio/ip/tcp.hpp>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "berth/error.hpp"
#include "berth/is_ip.hpp"

namespace berth::net {
namespace {

constexpr std::int64_t kMaxUint32 = 4294967295;
// The flow label is 20 bits; Node v20 validates it as a uint32 and then aborts
// in C++ (CHECK_LE(label, kLabelMask)) above this.
constexpr std::int64_t kMaxFlowLabel = 0xFFFFF;

// util.inspect's escape for one character (its `meta` table).
void append_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '\b': out += "\\b"; return;
    case '\t': out += "\\t"; return;
    case '\n': out += "\\n"; return;
    case '\f': out += "\\f"; return;
    case '\r': out += "\\r"; return;
    case '\'': out += "\\'"; return;
    case '\\': out += "\\\\"; return;
    default: {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      out += hex;
    }
  }
}

// util.inspect's strEscape: pick the quote, escape controls, C1 controls, '\\'
// and (with single quotes) the quote. The text is UTF-8; JS sees UTF-16, so the
// C1 controls U+0080..U+009F arrive here as the pairs C2 80..C2 9F.
std::string quote_js_string(std::string_view s) {
  char quote = '\'';
  if (s.find('\'') != std::string_view::npos) {
    if (s.find('"') == std::string_view::npos)
      quote = '"';
    else if (s.find('`') == std::string_view::npos && s.find("${") == std::string_view::npos)
      quote = '`';
  }
  std::string out(1, quote);
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const auto next = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
    if (c < 0x20 || c == 0x7F || c == '\\' || (c == '\'' && quote == '\'')) {
      append_escape(out, c);
    } else if (c == 0xC2 && next >= 0x80 && next <= 0x9F) {
      append_escape(out, next);
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += quote;
  return out;
}

// The length JavaScript would report: UTF-16 code units of UTF-8 text.
std::size_t js_length(std::string_view s) {
  std::size_t units = 0;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c & 0xC0) != 0x80) units += c >= 0xF0 ? 2 : 1;
  }
  return units;
}

// The byte offset just past the first `units` UTF-16 code units (never inside a
// UTF-8 sequence).
std::size_t js_prefix_bytes(std::string_view s, std::size_t units) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t width = c >= 0xF0 ? 2 : 1;
    if (width > units) break;
    units -= width;
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
  }
  return i;
}

// util.inspect(string) at the top level: long text is split after each newline
// into quoted pieces joined by " +\n  ".
std::string inspect_js_string(std::string_view s) {
  const std::size_t length = js_length(s);
  if (length <= 16 || length <= 80 - 4) return quote_js_string(s);
  std::string out;
  std::size_t begin = 0;
  while (begin < s.size()) {
    std::size_t newline = s.find('\n', begin);
    std::size_t end = newline == std::string_view::npos ? s.size() : newline + 1;
    if (!out.empty()) out += " +\n  ";
    out += quote_js_string(s.substr(begin, end - begin));
    begin = end;
  }
  return out;
}

// How ERR_INVALID_ARG_VALUE shows the received value: inspected, cut at 128.
std::string received_for_arg_value(std::string_view value) {
  std::string inspected = inspect_js_string(value);
  if (js_length(inspected) > 128) {
    inspected.resize(js_prefix_bytes(inspected, 128));
    inspected += "...";
  }
  return inspected;
}

// How ERR_OUT_OF_RANGE shows an integer: with '_' separators beyond 2^32.
// (JavaScript would print integers beyond 2^53 rounded; they are exact here.)
std::string received_for_out_of_range(std::int64_t value) {
  std::string digits = std::to_string(value);
  const std::uint64_t magnitude = value < 0 ? 0 - static_cast<std::uint64_t>(value)
                                            : static_cast<std::uint64_t>(value);
  if (magnitude <= (std::uint64_t{1} << 32)) return digits;
  const std::size_t first = value < 0 ? 1 : 0;
  std::string out;
  std::size_t i = digits.size();
  for (; i >= first + 4; i -= 3) out.insert(0, "_" + digits.substr(i - 3, 3));
  return digits.substr(0, i) + out;
}

Error flowlabel_out_of_range(std::int64_t value, std::int64_t max) {
  return Error("ERR_OUT_OF_RANGE",
               "The value of \"options.flowlabel\" is out of range. It must be >= 0 && <= " +
                   std::to_string(max) + ". Received " + received_for_out_of_range(value),
               ErrorKind::RangeError);
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// libuv resolves a zone with if_nametoindex only. berth also takes a numeric
// zone as the index, as getaddrinfo and Asio do; Node never exposes the scope.
std::uint32_t zone_to_scope_id(std::string_view zone) {
  if (zone.empty()) return 0;
  std::uint32_t index = 0;
  auto [end, ec] = std::from_chars(zone.data(), zone.data() + zone.size(), index);
  if (ec == std::errc() && end == zone.data() + zone.size()) return index;
  if (zone.size() >= IF_NAMESIZE || zone.find('\0') != std::string_view::npos) return 0;
  return if_nametoindex(std::string(zone).c_str());
}

}  // namespace
}  // namespace berth::net

namespace berth::detail {

bool parse_socket_address(std::string_view text, bool ipv6, std::array<std::uint8_t, 16>& bytes,
                          std::string_view& zone) noexcept {
  zone = {};
  if (!ipv6) {
    std::array<std::uint8_t, 4> quad;
    if (!parse_ipv4(text, quad)) return false;
    bytes = {};
    std::copy(quad.begin(), quad.end(), bytes.begin());
    return true;
  }
  std::string_view address = text;
  if (auto percent = text.find('%'); percent != std::string_view::npos) {
    zone = text.substr(percent + 1);
    // uv_ip6_addr copies the part before '%' into a 40-byte buffer, cutting it.
    address = text.substr(0, std::min<std::size_t>(percent, 39));
  }
  return parse_ipv6(address, bytes);
}

std::string format_address(std::span<const std::uint8_t> bytes) {
  char text[48];
  char* out = text;
  auto put_quad = [&out](const std::uint8_t* quad) {
    out += std::snprintf(out, 16, "%u.%u.%u.%u", quad[0], quad[1], quad[2], quad[3]);
  };
  if (bytes.size() == 4) {
    put_quad(bytes.data());
    return std::string(text, out);
  }
  unsigned words[8];
  for (int i = 0; i < 8; ++i) words[i] = unsigned{bytes[2 * i]} << 8 | bytes[2 * i + 1];
  // The first longest run of two or more zero groups becomes "::".
  int best_base = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (words[i] != 0) {
      ++i;
      continue;
    }
    int run = i;
    while (run < 8 && words[run] == 0) ++run;
    if (run - i > best_len) best_base = i, best_len = run - i;
    i = run;
  }
  if (best_len < 2) best_base = -1;
  for (int i = 0; i < 8; ++i) {
    if (best_base >= 0 && i >= best_base && i < best_base + best_len) {
      if (i == best_base) *out++ = ':';
      continue;
    }
    if (i != 0) *out++ = ':';
    // IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d) keep a dotted tail.
    if (i == 6 && best_base == 0 && (best_len == 6 || (best_len == 5 && words[5] == 0xFFFF))) {
      put_quad(bytes.data() + 12);
      break;
    }
    out += std::snprintf(out, 5, "%x", words[i]);
  }
  if (best_base >= 0 && best_base + best_len == 8) *out++ = ':';
  return std::string(text, out);
}

}  // namespace berth::detail

namespace berth::net {

SocketAddress::SocketAddress() : address_("127.0.0.1"), bytes_{127, 0, 0, 1} {}

SocketAddress::SocketAddress(const SocketAddressOptions& options) {
  // Node picks the default address before lowercasing the family, so
  // {family: 'IPv4'} defaults to '::' and then fails as an IPv4 address.
  const std::string_view address =
      options.address ? std::string_view(*options.address)
                      : std::string_view(options.family == "ipv4" ? "127.0.0.1" : "::");

  const std::string family = ascii_lower(options.family);
  if (family == "ipv4") {
    ipv6_ = false;
  } else if (family == "ipv6") {
    ipv6_ = true;
  } else {
    throw Error("ERR_INVALID_ARG_VALUE",
                "The property 'options.family' is invalid. Received " +
                    received_for_arg_value(options.family),
                ErrorKind::TypeError);
  }

  port_ = options.port.is_undefined() ? 0 : validate_port(options.port, "options.port");

  if (options.flowlabel < 0 || options.flowlabel > kMaxUint32)
    throw flowlabel_out_of_range(options.flowlabel, kMaxUint32);

  // Node v20 lets a numeric string through validatePort and then aborts the
  // process (CHECK(args[1]->IsInt32())). berth throws instead.
  if (options.port.is_string()) {
    throw Error("ERR_INVALID_ARG_TYPE",
                "The \"options.port\" property must be of type number. Received " +
                    options.port.describe(),
                ErrorKind::TypeError);
  }

  std::string_view zone;
  if (!berth::detail::parse_socket_address(address, ipv6_, bytes_, zone))
    throw Error("ERR_INVALID_ADDRESS", "Invalid socket address", ErrorKind::Error);

  if (ipv6_) {
    // Node v20 aborts here (CHECK_LE(label, kLabelMask)); berth throws. An ipv4
    // address ignores the flow label, as in Node.
    if (options.flowlabel > kMaxFlowLabel) throw flowlabel_out_of_range(options.flowlabel, kMaxFlowLabel);
    flowlabel_ = static_cast<std::uint32_t>(options.flowlabel);
    scope_id_ = zone_to_scope_id(zone);
  }
  address_ = berth::detail::format_address(bytes());
}

SocketAddress SocketAddress::from_endpoint(const asio::ip::tcp::endpoint& endpoint) {
  SocketAddress result;
  const asio::ip::address address = endpoint.address();
  if (address.is_v4()) {
    const auto quad = address.to_v4().to_bytes();
    result.bytes_ = {};
    std::copy(quad.begin(), quad.end(), result.bytes_.begin());
    result.ipv6_ = false;
  } else {
    const asio::ip::address_v6 v6 = address.to_v6();
    const auto bytes = v6.to_bytes();
    std::copy(bytes.begin(), bytes.end(), result.bytes_.begin());
    result.ipv6_ = true;
    result.scope_id_ = v6.scope_id();
    const auto* raw = reinterpret_cast<const sockaddr_in6*>(endpoint.data());
    result.flowlabel_ = ntohl(raw->sin6_flowinfo) & kMaxFlowLabel;
  }
  result.port_ = endpoint.port();
  result.address_ = berth::detail::format_address(result.bytes());
  return result;
}

asio::ip::tcp::endpoint SocketAddress::to_endpoint() const {
  if (!ipv6_) {
    asio::ip::address_v4::bytes_type quad;
    std::copy_n(bytes_.begin(), 4, quad.begin());
    return {asio::ip::address_v4(quad), port_};
  }
  asio::ip::address_v6::bytes_type bytes;
  std::copy(bytes_.begin(), bytes_.end(), bytes.begin());
  asio::ip::tcp::endpoint endpoint(asio::ip::address_v6(bytes, scope_id_), port_);
  reinterpret_cast<sockaddr_in6*>(endpoint.data())->sin6_flowinfo = htonl(flowlabel_);
  return endpoint;
}

SocketAddressJSON SocketAddress::toJSON() const {
  return {address_, port_, std::string(family()), flowlabel_};
}

std::string SocketAddress::inspect() const {
  const std::string entries[] = {
      "address: '" + address_ + "'",
      "port: " + std::to_string(port_),
      "family: '" + std::string(family()) + "'",
      "flowlabel: " + std::to_string(flowlabel_),
  };
  // util.inspect keeps an object on one line while entries plus its fixed
  // overhead (entry count + 15 here) fit in 80 columns.
  std::size_t width = 4 + 15;
  for (const auto& entry : entries) width += entry.size();
  const bool one_line = width <= 80;
  std::string out = one_line ? "SocketAddress { " : "SocketAddress {\n  ";
  for (std::size_t i = 0; i < std::size(entries); ++i) {
    if (i != 0) out += one_line ? ", " : ",\n  ";
    out += entries[i];
  }
  out += one_line ? " }" : "\n}";
  return out;
}

}  // namespace berth::net
